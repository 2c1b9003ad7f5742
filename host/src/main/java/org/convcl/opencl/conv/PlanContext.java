package org.convcl.opencl.conv;

import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * What plans are made for: the device, its class's thresholds, the SGEMM configuration the GEMMs start from and the
 * most bytes one chunk of column matrices or transformed tiles may take.
 */
public record PlanContext(DeviceInfo device, ConvPolicy policy, SgemmConfig sgemm, long columnBudgetBytes) {
    public PlanContext {
        columnBudgetBytes = Math.min(columnBudgetBytes, device.maxAllocBytes());
    }
}
