import { performance } from "node:perf_hooks";
import type { CallRecord } from "../domain/call-record.ts";
import { pendingBodyOf } from "../recording/body-capture.ts";
import type { CallState } from "./call-state.ts";
import { finishRecord } from "./finish.ts";
import type { ProxyDeps } from "./proxy-deps.ts";

/**
 * The end of every call the proxy takes: its record built and handed on exactly once (with its captured
 * bodies, when capture is on), and the count of calls in flight.
 */
export class CallEnds {
  private inFlight_ = 0;

  constructor(private readonly deps: ProxyDeps) {}

  /** calls taken and not yet finished, for graceful shutdown */
  inFlight(): number {
    return this.inFlight_;
  }

  started(): void {
    this.inFlight_++;
  }

  /** Records the call (if not yet) and stops counting it as in flight. */
  readonly finish = (call: CallState): void => {
    this.record(call);
    if (call.settled) return;
    call.settled = true;
    this.inFlight_--;
  };

  /**
   * Builds and hands on the call's record, exactly once. A call answered in full is recorded before the
   * answer's last byte is written, so the crash journal holds every call a client saw end.
   */
  readonly record = (call: CallState): void => {
    if (call.finished) return;
    call.finished = true;
    const deps = this.deps;
    try {
      const capture = call.capture;
      if (capture === null || !deps.onBody) finishRecord(call, deps.metering, performance.now(), this.deliver, deps.onPending);
      else {
        const body = pendingBodyOf(call, capture);
        const onBody = deps.onBody;
        const errorsOnly = deps.bodies.mode === "errors";
        finishRecord(
          call,
          deps.metering,
          performance.now(),
          (record) => {
            if (!errorsOnly || record.outcome !== "ok") onBody(body);
            this.deliver(record);
          },
          deps.onPending,
        );
      }
      if (call.facts.batch && call.status < 400) deps.metering.onBatch?.(call, call.facts.batch);
    } catch (err) {
      deps.onError(err, call.id);
    }
  };

  /** Hands a record on; it may arrive after the call ended (a token estimate), so it catches on its own. */
  private readonly deliver = (record: CallRecord): void => {
    try {
      this.deps.onCall(record);
    } catch (err) {
      this.deps.onError(err, record.id);
    }
  };
}
