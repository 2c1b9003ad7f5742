package org.convcl.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.convcl.opencl.Devices;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The device spec a task runs on: the GPUs Spark's resource scheduling gave it, where it gave some, else the job's.
 * Spark's GPU addresses come from the cluster's discovery script, which numbers the machine's GPUs from 0 (as
 * {@code nvidia-smi} does); address n is the n-th OpenCL GPU of {@code convcl devices}. An address that is not a
 * number is taken as a device spec of its own, such as part of a device name.
 */
final class TaskDevices {
    private static final String GPU = "gpu";

    private TaskDevices() {
    }

    /**
     * The spec for the running task.
     *
     * @param task       the task, or null outside one
     * @param configured the job's spec, or null for the default
     */
    static String forTask(TaskContext task, String configured) {
        ResourceInformation gpus = task == null ? null : task.resourcesJMap().get(GPU);
        if (gpus == null || gpus.addresses().length == 0) {
            return configured;
        }
        List<DeviceInfo> devices;
        try {
            devices = Devices.list();
        } catch (ConvclException e) {
            // No OpenCL library: the backend's opening says so, or falls back where the job allows it.
            return configured;
        }
        int[] gpuIndices = devices.stream().filter(d -> d.type().equals(GPU)).mapToInt(DeviceInfo::index).toArray();
        return spec(List.of(gpus.addresses()), gpuIndices);
    }

    /**
     * The spec naming the GPUs at Spark's addresses.
     *
     * @param addresses  Spark's GPU addresses for the task
     * @param gpuIndices the indices ({@code convcl devices}) of this machine's OpenCL GPUs, in order
     * @throws ConvclSparkException when an address is past the OpenCL GPUs
     */
    static String spec(List<String> addresses, int[] gpuIndices) {
        var parts = new ArrayList<String>();
        for (String address : addresses) {
            if (!address.chars().allMatch(Character::isDigit) || address.isEmpty()) {
                parts.add(address);
            } else if (address.length() > 9 || Integer.parseInt(address) >= gpuIndices.length) {
                throw new ConvclSparkException(ExecutorBackends.executor() + ": Spark gave the task GPU address "
                        + address + " but this machine has " + gpuIndices.length
                        + " OpenCL GPU(s) (see 'convcl devices')");
            } else {
                parts.add(Integer.toString(gpuIndices[Integer.parseInt(address)]));
            }
        }
        return String.join(",", parts);
    }
}
