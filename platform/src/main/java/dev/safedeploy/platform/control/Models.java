package dev.safedeploy.platform.control;

import dev.safedeploy.platform.api.ModelRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Registered models: a name for a model.tar.gz artifact on disk, which endpoints' variants then serve. */
final class Models {
  static final String MODELS = "models";

  final ResourceTable<ModelRecord> table;
  private final PlatformState state;
  private final DataRoots roots;

  Models(PlatformState state, DataRoots roots) {
    this.state = state;
    this.roots = roots;
    this.table = new ResourceTable<>(MODELS, "model", ModelRecord.class, state);
  }

  void restore() {
    table.restore();
  }

  Outcome<ModelRecord> create(ModelRecord request) {
    StateStore.checkName("model", request.name());
    roots.confine("artifact", request.artifact());
    return table.createOrAdopt(request.name(), existing -> SpecCheck.of("model", request.name())
        .same("artifact", existing.artifact(), request.artifact())
        .same("model", existing.model(), request.model())
        .same("version", existing.version(), request.version())
        .orConflict(), () -> {
      if (!Files.isRegularFile(Path.of(request.artifact()))) {
        throw PlatformException.badRequest("model " + request.name() + ": artifact " + request.artifact()
            + " does not exist");
      }
      return new ModelRecord(request.name(), request.artifact(), request.model(), request.version(),
          request.validationRmse(), Instant.now());
    });
  }

  ModelRecord get(String name) {
    return table.get(name);
  }

  /**
   * Runs {@code action} while the named models stay registered: under their locks, taken in name order (so two callers
   * never wait on each other crosswise), each checked to exist first. {@link #delete} takes the same lock, so no model
   * goes between the check and the variant that will serve it; callers take these before any endpoint's lock.
   *
   * @throws PlatformException 404 when one of them does not exist
   */
  <T> T whileRegistered(java.util.Collection<String> names, java.util.function.Supplier<T> action) {
    return lockInOrder(names.stream().distinct().sorted().toList(), 0, action);
  }

  private <T> T lockInOrder(java.util.List<String> names, int next, java.util.function.Supplier<T> action) {
    if (next == names.size()) {
      return action.get();
    }
    synchronized (table.lock(names.get(next))) {
      get(names.get(next));
      return lockInOrder(names, next + 1, action);
    }
  }

  /**
   * Deletes the registration (the artifact stays, as S3's does for a SageMaker model) unless {@code servedBy} names an
   * endpoint serving it (a conflict); one already gone is success.
   */
  void delete(String name, java.util.function.Function<String, String> servedBy) {
    StateStore.checkName("model", name);
    synchronized (table.lock(name)) {
      String endpoint = servedBy.apply(name);
      if (endpoint != null) {
        throw PlatformException.conflict("model " + name + " is served by endpoint " + endpoint
            + "; remove that variant first");
      }
      ModelRecord removed = table.remove(name);
      state.forget(MODELS, name);
      if (removed != null) {
        state.deleted(MODELS, name);
      }
    }
  }
}
