// The load side of bench/games.py's Pong comparison, the same for both servers: one socket per room,
// a player who never moves, and the arrival time of every state update per room (performance.now()).
//   node load.mjs colyseus <port> <rooms> <settle s> <duration s>
//   node load.mjs sanctum <sockets.json> <settle s> <duration s>   (sockets.json: [{url, topic}], made
//                                                                   by bench/games.py: tickets, rooms)
// Prints one JSON line: {"rooms", "elapsed", "frames", "intervals": [every interval between two
// consecutive updates of a room, in ms]}. Sanctum updates are `game.frame`/`game.delta` frames;
// Colyseus updates are state patches (`room.onStateChange`).
import { Client } from '@colyseus/sdk';
import WebSocket from 'ws';

const [target, ...args] = process.argv.slice(2);
const arrivals = [];
let measuring = false;

function record(i) {
  if (measuring) arrivals[i].push(performance.now());
}

async function colyseus(port, rooms) {
  const client = new Client(`ws://127.0.0.1:${port}`);
  const joined = [];
  for (let i = 0; i < rooms; i++) {
    arrivals.push([]);
    const room = await client.create('pong');
    room.onStateChange(() => record(i));
    joined.push(room);
  }
  return () => Promise.all(joined.map((r) => r.leave().catch(() => undefined)));
}

async function sanctum(file) {
  const { readFileSync } = await import('node:fs');
  const sockets = JSON.parse(readFileSync(file, 'utf8'));
  const open = [];
  await Promise.all(
    sockets.map(
      ({ url, topic }, i) =>
        new Promise((resolve, reject) => {
          arrivals.push([]);
          const ws = new WebSocket(url, { perMessageDeflate: false });
          ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic, cid: 's' })));
          ws.on('message', (data, binary) => {
            const text = binary ? '' : data.toString();
            // Frames start with their type (orjson keeps insertion order): no parse on the hot path.
            if (text.startsWith('{"type":"game.delta"') || text.startsWith('{"type":"game.frame"')) record(i);
            else if (text.includes('"subscribed"')) resolve();
          });
          ws.on('error', reject);
          open.push(ws);
        }),
    ),
  );
  return async () => open.forEach((ws) => ws.close());
}

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

let stop;
let settle;
let duration;
if (target === 'colyseus') {
  stop = await colyseus(Number(args[0]), Number(args[1]));
  [settle, duration] = [Number(args[2]), Number(args[3])];
} else {
  stop = await sanctum(args[0]);
  [settle, duration] = [Number(args[1]), Number(args[2])];
}
await sleep(settle);
measuring = true;
const t0 = performance.now();
process.stdout.write('measuring\n');
await sleep(duration);
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
const intervals = [];
let frames = 0;
for (const times of arrivals) {
  frames += times.length;
  for (let k = 1; k < times.length; k++) intervals.push(Math.round((times[k] - times[k - 1]) * 1000) / 1000);
}
await stop();
// Exit only once the result is written: stdout to a pipe is asynchronous, and exit() would cut it.
process.stdout.write(JSON.stringify({ rooms: arrivals.length, elapsed, frames, intervals }) + '\n', () => process.exit(0));
