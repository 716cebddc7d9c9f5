/**
 * The listeners of one store event. A listener that throws must not break the connection
 * handler that delivered the event, nor stop the listeners after it, so errors are handed to
 * `onError` instead of propagating.
 */
export interface ListenerSet<T> {
  /** Adds a listener; returns its removal, which may be called more than once. */
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
  clear(): void;
}

export function createListenerSet<T>(onError: (error: unknown) => void): ListenerSet<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      // A wrapper per call, so adding the same function twice gives two independent removals.
      const entry = (value: T): void => listener(value);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    emit(value) {
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          onError(error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
