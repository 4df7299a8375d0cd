import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/*
 * One helper thread for splitting a layer's rows across the machine's two cores, called
 * synchronously (the library's API is synchronous): the main thread posts a request on a
 * MessagePort, wakes the helper through a SharedArrayBuffer counter (Atomics.notify), does its
 * own share of the work, then blocks in Atomics.wait until the helper has posted the reply, which
 * it takes with receiveMessageOnPort. The helper runs the built library (dist/src/index.js), so it
 * computes with exactly the kernels the tests hold equal to the TFLite references. The thread is
 * unref'd: it never keeps the process alive.
 */

// The helper's whole program. It blocks in Atomics.wait between requests (no event loop needed).
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { port, ctrl, indexUrl } = workerData;
import(indexUrl).then((lib) => {
  const layers = new Map();
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    let m;
    while ((m = receiveMessageOnPort(port))) {
      const msg = m.message;
      let reply;
      const seq = msg.seq;
      try {
        if (msg.op === 'prepare') { layers.set(msg.id, lib.prepareDenseInt8(msg.params)); reply = { ok: true }; }
        else if (msg.op === 'run') { const out = layers.get(msg.id).run(msg.input); reply = { out }; }
        else if (msg.op === 'dispose') { const l = layers.get(msg.id); if (l) l.dispose(); layers.delete(msg.id); reply = { ok: true }; }
        else reply = { error: 'unknown request ' + msg.op };
      } catch (e) {
        reply = { error: String(e && e.message || e) };
      }
      reply.seq = seq;
      port.postMessage(reply);
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    }
  }
}, (e) => {
  port.postMessage({ seq: -1, error: 'helper thread could not load relu6q: ' + String(e && e.message || e) });
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
});
`;

interface Helper {
  port: MessagePort;
  ctrl: Int32Array;
  /** Replies taken so far (ctrl[1] counts replies posted). */
  replies: number;
}

let helper: Helper | null | undefined;
let nextSeq = 1;

/** The built library's entry point, whether this module runs from dist/ or from src/ (tsx, tests). */
function builtIndexUrl(): string | null {
  const candidates = [new URL('../index.js', import.meta.url), new URL('../../dist/src/index.js', import.meta.url)];
  for (const u of candidates) if (existsSync(fileURLToPath(u))) return pathToFileURL(fileURLToPath(u)).href;
  return null;
}

/** The helper thread, started on first use; null when the built library is missing. */
function getHelper(): Helper | null {
  if (helper !== undefined) return helper;
  const indexUrl = builtIndexUrl();
  if (!indexUrl) return (helper = null);
  const { port1, port2 } = new MessageChannel();
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { port: port2, ctrl, indexUrl }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return (helper = { port: port1, ctrl, replies: 0 });
}

export interface PendingCall {
  /** Block until the helper's reply arrives and return it (throws the helper's error). */
  wait(): unknown;
}

/**
 * Post a request to the helper thread and return at once; `wait()` blocks for the reply. Returns
 * null when no helper can run (then the caller does all the work itself).
 */
export function callHelper(msg: object, transfer: ArrayBuffer[] = []): PendingCall | null {
  const h = getHelper();
  if (!h) return null;
  const seq = nextSeq++;
  h.port.postMessage({ ...msg, seq }, transfer);
  Atomics.add(h.ctrl, 0, 1);
  Atomics.notify(h.ctrl, 0);
  let done = false;
  return {
    wait() {
      if (done) throw new Error('helper reply already taken');
      done = true;
      let waitedSeconds = 0;
      for (;;) {
        const r = receiveMessageOnPort(h.port);
        if (r) {
          h.replies++;
          const reply = r.message as { seq: number; error?: string };
          // Replies to calls nobody waits for (disposals from the finalizer) are dropped here.
          if (reply.seq !== seq && reply.seq !== -1) continue;
          if (reply.seq === -1) helper = null; // it could not start: never ask it again
          if (reply.error !== undefined) throw new Error(`relu6q helper thread: ${reply.error}`);
          return reply;
        }
        // Sleep until the helper has posted more replies than we have taken. A helper that died
        // (it cannot tell us: our event loop is blocked) would leave us here, hence the deadline.
        if (Atomics.wait(h.ctrl, 1, h.replies, 1000) === 'timed-out' && ++waitedSeconds >= 60) {
          helper = null;
          throw new Error('relu6q helper thread did not answer for 60 s');
        }
      }
    },
  };
}

/** Whether a helper thread can be started (the built library is present). */
export function helperAvailable(): boolean {
  return builtIndexUrl() !== null;
}
