package dev.safedeploy.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safedeploy.platform.api.ModelRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceTableTest {
  static ModelRecord model(String name, String artifact) {
    return new ModelRecord(name, artifact, "m", "v1", 1.0, null);
  }

  @Test
  void createsOnceThenAdoptsAndCountsBoth(@TempDir Path home) {
    PlatformState state = new PlatformState(home);
    ResourceTable<ModelRecord> t = new ResourceTable<>("models", "model", ModelRecord.class, state);
    Outcome<ModelRecord> first = t.createOrAdopt("a", e -> { }, () -> model("a", "/x"));
    Outcome<ModelRecord> again = t.createOrAdopt("a", e -> { }, () -> model("a", "/other"));
    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.resource().artifact()).isEqualTo("/x");
    assertThat(state.inventory.of("models").get("a").created).isEqualTo(1);
    assertThat(state.inventory.of("models").get("a").adopted).isEqualTo(1);
    // durable: a new table on the same state files finds it
    ResourceTable<ModelRecord> restored = new ResourceTable<>("models", "model", ModelRecord.class,
        new PlatformState(home));
    assertThat(restored.restore()).extracting(ModelRecord::artifact).containsExactly("/x");
  }

  @Test
  void aRefusedAdoptOrAFailedMakeLeavesNothingCounted(@TempDir Path home) {
    PlatformState state = new PlatformState(home);
    ResourceTable<ModelRecord> t = new ResourceTable<>("models", "model", ModelRecord.class, state);
    assertThatThrownBy(() -> t.createOrAdopt("b", e -> { }, () -> {
      throw PlatformException.badRequest("no artifact");
    })).hasMessage("no artifact");
    assertThat(t.find("b")).isNull();
    assertThat(state.inventory.of("models")).doesNotContainKey("b");
    t.createOrAdopt("b", e -> { }, () -> model("b", "/x"));
    assertThatThrownBy(() -> t.createOrAdopt("b", e -> {
      throw PlatformException.conflict("not the same");
    }, () -> model("b", "/y"))).hasMessage("not the same");
    assertThat(state.inventory.of("models").get("b").adopted).isZero();
    assertThatThrownBy(() -> t.get("missing")).hasMessage("model missing does not exist");
  }

  @Test
  void aNameWhoseStateFileIsCorruptIsRefusedNotRecreated(@TempDir Path home) throws Exception {
    Files.createDirectories(home.resolve("models"));
    Files.writeString(home.resolve("models").resolve("c.json"), "{not json");
    PlatformState state = new PlatformState(home);
    ResourceTable<ModelRecord> t = new ResourceTable<>("models", "model", ModelRecord.class, state);
    assertThat(t.restore()).isEmpty();
    assertThatThrownBy(() -> t.createOrAdopt("c", e -> { }, () -> model("c", "/x")))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.type()).isEqualTo(PlatformException.CORRUPT_STATE);
        });
    assertThatThrownBy(() -> t.get("c")).isInstanceOf(PlatformException.class);
    // renamed aside, intact, and named in the report
    assertThat(home.resolve("models").resolve("c.json")).doesNotExist();
    assertThat(state.store.quarantined()).singleElement().satisfies(q -> {
      assertThat(Files.readString(Path.of(q))).isEqualTo("{not json");
      assertThat(state.corrupt().get("models/c")).contains(q).contains("is corrupt");
    });
  }
}
