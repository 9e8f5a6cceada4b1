// The Colyseus 0.18 peer of bench/games.py's Pong load: one room per player, simulated at 30 Hz with
// the same physics and hard bot as Sanctum's Pong (pong.mjs), its state a @colyseus/schema tree
// patched to clients at 30 Hz over @colyseus/ws-transport (binary deltas of what changed).
// Run from a folder with the packages installed (bench/games.py does it in /tmp/colyseus-peer):
//   node server.mjs <port>
import { Room, Server } from '@colyseus/core';
import { ArraySchema, Schema, defineTypes } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';

import { advance, hardBotDir, newGame } from './pong.mjs';

class Paddle extends Schema {}
defineTypes(Paddle, { y: 'number', dir: 'int8' });
class Ball extends Schema {}
defineTypes(Ball, { x: 'number', y: 'number', vx: 'number', vy: 'number' });
class PongState extends Schema {}
defineTypes(PongState, {
  status: 'string', paddles: [Paddle], ball: Ball, score: ['uint8'], serve_in: 'number', time: 'number',
});

const HZ = 30;
const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d; // as Sanctum's view rounds

class PongRoom extends Room {
  onCreate() {
    this.maxClients = 2;
    this.autoDispose = true;
    const state = new PongState();
    state.status = 'playing';
    state.paddles = new ArraySchema(new Paddle(), new Paddle());
    state.ball = new Ball();
    state.score = new ArraySchema(0, 0);
    this.setState(state);
    this.game = newGame(21);
    this.sync();
    this.patchRate = 1000 / HZ;
    this.setSimulationInterval((ms) => this.step(ms / 1000), 1000 / HZ);
    this.onMessage('move', (client, move) => { this.game.dirs[0] = Math.max(-1, Math.min(1, move.dir | 0)); });
  }

  step(dt) {
    const g = this.game;
    if (g.over) return;
    advance(g, dt);
    g.dirs[1] = hardBotDir(g, 1);
    this.sync();
  }

  sync() {
    const g = this.game, s = this.state;
    s.paddles[0].y = round(g.paddles[0], 3); s.paddles[0].dir = g.dirs[0];
    s.paddles[1].y = round(g.paddles[1], 3); s.paddles[1].dir = g.dirs[1];
    s.ball.x = round(g.ball[0], 3); s.ball.y = round(g.ball[1], 3);
    s.ball.vx = round(g.velocity[0], 3); s.ball.vy = round(g.velocity[1], 3);
    if (s.score[0] !== g.score[0]) s.score[0] = g.score[0];
    if (s.score[1] !== g.score[1]) s.score[1] = g.score[1];
    s.serve_in = round(g.serveIn, 3); s.time = round(g.time, 4);
    if (g.over) s.status = 'finished';
  }
}

const port = Number(process.argv[2] || 2567);
const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define('pong', PongRoom);
await server.listen(port, '127.0.0.1');
console.log(`colyseus-peer listening on ${port}`);
