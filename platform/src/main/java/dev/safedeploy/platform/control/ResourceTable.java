package dev.safedeploy.platform.control;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One kind of resource, typed: its live values by name, restored from and saved to its state files, a lock per name,
 * and the create-or-adopt rule written once. A create of a name whose state file is corrupt is refused; a create that
 * finds the name existing adopts it (after the caller's compatibility check, which may refuse with a conflict) and is
 * counted as adopted; otherwise the resource is made, saved and counted as created, all under the name's lock.
 */
final class ResourceTable<T> {
  private final String kind;
  private final String label;
  private final Class<T> type;
  private final PlatformState state;
  private final Map<String, T> values = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param kind the state directory and inventory kind, e.g. {@code training-jobs}
   * @param label how errors name one, e.g. {@code training job}
   */
  ResourceTable(String kind, String label, Class<T> type, PlatformState state) {
    this.kind = kind;
    this.label = label;
    this.type = type;
    this.state = state;
  }

  String kind() {
    return kind;
  }

  /** Loads the kind's state files; the unreadable ones are noted, the rest returned. */
  Collection<T> restore() {
    StateStore.Loaded<T> loaded = state.store.loadAll(kind, type);
    values.putAll(loaded.values());
    state.note(kind, loaded.corrupt());
    return List.copyOf(loaded.values().values());
  }

  Object lock(String name) {
    return locks.computeIfAbsent(name, n -> new Object());
  }

  /**
   * The create-or-adopt rule. The caller validates the request first (a bad request is refused whether or not the
   * name exists).
   *
   * @param adoptable throws (typically a conflict) when the existing resource is not the one asked for
   * @param make the new resource; may throw, leaving nothing saved or counted
   */
  Outcome<T> createOrAdopt(String name, Consumer<T> adoptable, Supplier<T> make) {
    synchronized (lock(name)) {
      state.refuseCorrupt(kind, name);
      T existing = values.get(name);
      if (existing != null) {
        adoptable.accept(existing);
        state.adopted(kind, name);
        return new Outcome<>(existing, false);
      }
      T made = make.get();
      values.put(name, made);
      state.store.save(kind, name, made);
      state.created(kind, name);
      return new Outcome<>(made, true);
    }
  }

  /** The resource; a corrupt state file is a 500, an unknown name a 404. */
  T get(String name) {
    PlatformException.require(name, label + " name");
    state.refuseCorrupt(kind, name);
    T value = values.get(name);
    if (value == null) {
      throw PlatformException.notFound(label + " " + name + " does not exist");
    }
    return value;
  }

  /** The resource or null, without the corrupt check (internal reads and the inventory). */
  T find(String name) {
    return name == null ? null : values.get(name);
  }

  Collection<T> values() {
    return values.values();
  }

  Collection<String> names() {
    return values.keySet();
  }

  /** Replaces the resource, in memory and on disk. */
  void put(String name, T value) {
    values.put(name, value);
    state.store.save(kind, name, value);
  }

  /** Updates the resource in memory only (the caller saved what must survive a restart). */
  void putLive(String name, T value) {
    values.put(name, value);
  }

  /** Saves the resource to disk only (durable first, then live). */
  void save(String name, T value) {
    state.store.save(kind, name, value);
  }

  /** Removes the resource and its state file; returns what was there, or null. */
  T remove(String name) {
    T removed = values.remove(name);
    state.store.delete(kind, name);
    return removed;
  }
}
