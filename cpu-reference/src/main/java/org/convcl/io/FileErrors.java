package org.convcl.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * File errors as "FILE: what went wrong", where FILE is always the name the user gave.
 * <p>Thread-safe: it keeps no state.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /**
     * The JDK's messages for file errors are often just the path; this says what went wrong with it.
     *
     * @param e a failure of a file operation
     * @return one line, "FILE: reason" where the exception names a file, otherwise its message
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + reason(f);
        }
        return e.getMessage();
    }

    /**
     * The same failure told about {@code target}: errors on a temporary file, or with no file at all such as
     * "No space left on device", otherwise name a file the user never heard of, or none.
     */
    static FileSystemException about(Path target, IOException e) {
        var named = new FileSystemException(target.toString(), null, reason(e));
        named.initCause(e);
        return named;
    }

    /**
     * What went wrong, without the file: for messages that name another file than the one the error is about.
     *
     * @param e a failure of a file operation
     * @return for example "permission denied" or "no such file"
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
