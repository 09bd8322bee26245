package dev.safedeploy.worker.cli;

import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data", mixinStandardHelpOptions = true,
    header = "Generate or prepare NYC taxi data (synthetic trips, TLC CSV/Parquet).", description = "Generate synthetic NYC taxi trips, or prepare TLC files for training.",
    subcommands = {DataCommand.Generate.class, DataCommand.Prepare.class})
public final class DataCommand {

  @Command(name = "generate", mixinStandardHelpOptions = true, description = "Synthetic green-taxi trips in the TLC trip-record schema (CSV).")
  static final class Generate implements Callable<Integer> {
    @Option(names = "--trips", description = "How many (default: ${DEFAULT-VALUE})")
    long trips = 200_000;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--out", required = true, description = "CSV file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      long written = TripGenerator.generate(trips, seed, out);
      System.out.println("wrote " + written + " trips to " + out);
      return 0;
    }
  }

  @Command(name = "prepare", mixinStandardHelpOptions = true, description = "TLC CSV/Parquet -> train/validation/test (header-less, target first) "
      + "and baseline.csv, with the seed's filters and 80/19/1 split.")
  static final class Prepare implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "A TLC file (.csv, .csv.gz or .parquet)")
    Path input;

    @Option(names = "--out", required = true, description = "Output directory")
    Path out;

    @Option(names = "--features", split = ",", description = "Feature columns (default: ${DEFAULT-VALUE})")
    List<String> features = DataPreparation.DEFAULT_FEATURES;

    @Option(names = "--seed", description = "Split seed (default: ${DEFAULT-VALUE})")
    long seed = DataPreparation.DEFAULT_SEED;

    @Override
    public Integer call() {
      PreparedData d = DataPreparation.prepare(input, out, features, seed);
      System.out.printf("read %d rows, kept %d; train %d, validation %d, test %d -> %s%n", d.rowsRead(),
          d.rowsKept(), d.trainRows(), d.validationRows(), d.testRows(), out.toAbsolutePath());
      System.out.println("start a run with: ./safedeploy start <model> <version> --data-dir " + out);
      return 0;
    }
  }
}
