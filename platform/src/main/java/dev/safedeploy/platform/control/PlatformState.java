package dev.safedeploy.platform.control;

import dev.safedeploy.workflows.json.JsonMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every kind of resource shares: the state files, the ledger of creates, adopts and deletes ({@link Inventory},
 * kept across restarts), and the state files that could not be read on start (requests for those names are refused
 * rather than answered as if the resource did not exist).
 */
final class PlatformState {
  private static final Logger log = LoggerFactory.getLogger(PlatformState.class);
  static final String INVENTORY = "inventory";

  final StateStore store;
  final Inventory inventory;
  private final Map<String, String> corrupt = new ConcurrentHashMap<>();

  PlatformState(Path root) {
    this.store = new StateStore(root);
    this.inventory = loadInventory();
  }

  private Inventory loadInventory() {
    Path f = store.file(INVENTORY, INVENTORY);
    if (!Files.exists(f)) {
      return new Inventory();
    }
    try {
      return JsonMapping.mapper().readValue(f.toFile(), Inventory.class);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      String problem = store.quarantine(INVENTORY, f, m.lines().findFirst().orElse(m))
          + "; inventory counts restart from zero";
      log.error(problem);
      corrupt.put(INVENTORY + "/" + INVENTORY, problem);
      return new Inventory();
    }
  }

  /** Records the state files of a kind that did not load (name -> problem). */
  void note(String kind, Map<String, String> problems) {
    problems.forEach((name, problem) -> corrupt.put(kind + "/" + name, problem));
  }

  void refuseCorrupt(String kind, String name) {
    String problem = corrupt.get(kind + "/" + name);
    if (problem != null) {
      throw new PlatformException(500, PlatformException.CORRUPT_STATE, problem);
    }
  }

  /** A deleted resource takes its unreadable state file's report with it. */
  void forget(String kind, String name) {
    corrupt.remove(kind + "/" + name);
  }

  Map<String, String> corrupt() {
    return Map.copyOf(corrupt);
  }

  List<String> corruptReport() {
    return List.copyOf(new TreeMap<>(corrupt).values());
  }

  void created(String kind, String name) {
    inventory.created(kind, name);
    saveInventory();
  }

  void adopted(String kind, String name) {
    inventory.adopted(kind, name);
    saveInventory();
  }

  void deleted(String kind, String name) {
    inventory.deleted(kind, name);
    saveInventory();
  }

  private void saveInventory() {
    synchronized (inventory) {
      store.save(INVENTORY, INVENTORY, inventory);
    }
  }
}
