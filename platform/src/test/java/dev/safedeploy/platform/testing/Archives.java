package dev.safedeploy.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/** Hostile model.tar.gz files: small on disk, huge when unpacked, headers that lie. */
public final class Archives {
  private Archives() {}

  /**
   * A model.tar.gz with one entry whose header declares declaredSize bytes, followed by zeroBytes zeros (the archive
   * ends there, truncated when zeroBytes is less than declared). Zeros compress about 1000:1.
   */
  public static Path bomb(Path out, String entryName, long declaredSize, long zeroBytes) throws IOException {
    Files.createDirectories(out.getParent());
    GzipParameters params = new GzipParameters();
    params.setCompressionLevel(Deflater.BEST_SPEED);
    try (OutputStream file = Files.newOutputStream(out);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(file, params)) {
      TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e = new TarArchiveEntry(entryName);
      e.setSize(declaredSize);
      tar.putArchiveEntry(e);
      byte[] zeros = new byte[1 << 20];
      for (long left = zeroBytes; left > 0; left -= zeros.length) {
        tar.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      tar.flush();
      // no closeArchiveEntry: when declared > written the archive just stops, as a hostile one would
      if (declaredSize == zeroBytes) {
        tar.closeArchiveEntry();
        tar.finish();
      }
      gz.finish();
    }
    return out;
  }
}
