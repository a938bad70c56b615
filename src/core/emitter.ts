/** Something that can be released. Mirrors VS Code's `Disposable` shape without importing it. */
export interface Disposable {
  dispose(): void;
}

/** A minimal typed event emitter: `event(listener)` subscribes and returns a {@link Disposable}. */
export class Emitter<T> {
  private listeners: Array<(value: T) => void> = [];

  /** Subscribes `listener`; listeners run synchronously, in subscription order, on every {@link fire}. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /** Calls every listener with `value`. A throwing listener does not stop the others; its error goes to `onError`. */
  fire(value: T, onError?: (err: unknown) => void): void {
    for (const l of this.listeners.slice()) {
      try {
        l(value);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.listeners = [];
  }
}
