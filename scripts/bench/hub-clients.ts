// Child process of hub.ts: N real `ws` bot clients, kept out of the hub's process so their receive
// work does not count as hub CPU. Records, per message, when the last client got it (CLOCK_MONOTONIC via
// process.hrtime is shared by both processes) and acks through IPC so the parent can pace publishing.

import WebSocket, { type RawData } from 'ws';

export type ToClients =
  | { type: 'phase'; name: string; firstSeq: number; count: number; ackEvery: number }
  | { type: 'stop' };

export type FromClients =
  | { type: 'ready' }
  | { type: 'phase-ready'; name: string }
  | { type: 'ack'; seq: number }
  | { type: 'phase-done'; name: string; latencyMicros: number[]; incomplete: number };

const SEQ_KEY = Buffer.from('"seq":');
const SENT_KEY = Buffer.from('"benchSentNs":"');

interface Phase {
  name: string;
  firstSeq: number;
  count: number;
  ackEvery: number;
  received: Uint16Array;
  lastArrivalNs: BigInt64Array;
  sentNs: BigInt64Array;
  complete: number;
}

function readNumberAfter(frame: Buffer, key: Buffer, end: number): string {
  const start = frame.indexOf(key) + key.length;
  let stop = start;
  while (stop < frame.length && frame[stop] !== end) stop++;
  return frame.toString('latin1', start, stop);
}

function main(): void {
  const port = Number(process.argv[2]);
  const clientCount = Number(process.argv[3]);
  const path = process.argv[4] ?? '/v1/ws';
  const send = (message: FromClients): void => {
    process.send?.(message);
  };
  let phase: Phase | null = null;
  const sockets: WebSocket[] = [];
  let opened = 0;

  const onFrame = (data: RawData): void => {
    const arrivalNs = process.hrtime.bigint();
    const current = phase;
    if (current === null || !Buffer.isBuffer(data)) return;
    const index = Number(readNumberAfter(data, SEQ_KEY, 0x2c)) - current.firstSeq;
    if (index < 0 || index >= current.count) return;
    current.lastArrivalNs[index] = arrivalNs;
    if (current.received[index] === 0) current.sentNs[index] = BigInt(readNumberAfter(data, SENT_KEY, 0x22));
    current.received[index] += 1;
    if (current.received[index] !== clientCount) return;
    current.complete += 1;
    const seq = index + current.firstSeq;
    if (current.complete === current.count) {
      finishPhase(current);
    } else if ((index + 1) % current.ackEvery === 0) {
      send({ type: 'ack', seq });
    }
  };

  const finishPhase = (done: Phase): void => {
    const latencyMicros: number[] = [];
    let incomplete = 0;
    for (let i = 0; i < done.count; i++) {
      if (done.received[i] !== clientCount) incomplete++;
      else latencyMicros.push(Number(done.lastArrivalNs[i] - done.sentNs[i]) / 1000);
    }
    phase = null;
    send({ type: 'phase-done', name: done.name, latencyMicros, incomplete });
  };

  process.on('message', (message: ToClients) => {
    if (message.type === 'stop') {
      for (const socket of sockets) socket.terminate();
      process.disconnect();
      return;
    }
    phase = {
      name: message.name, firstSeq: message.firstSeq, count: message.count, ackEvery: message.ackEvery,
      received: new Uint16Array(message.count), lastArrivalNs: new BigInt64Array(message.count),
      sentNs: new BigInt64Array(message.count), complete: 0,
    };
    send({ type: 'phase-ready', name: message.name });
  });

  for (let i = 0; i < clientCount; i++) {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
    sockets.push(socket);
    socket.on('message', onFrame);
    socket.on('error', (error) => {
      console.error(`bench client ${i}: ${error.message}`);
      process.exit(1);
    });
    socket.once('open', () => {
      opened += 1;
      if (opened === clientCount) send({ type: 'ready' });
    });
  }
}

main();
