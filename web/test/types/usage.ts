// Compiled (not run) by types.test.js: the declarations of heliograph.js describe how pages use it.
import Heliograph, { Backoff, CloseCode, HeliographError, Positions, State, parseEventId, type CloudEvent, type StateChange } from '../../client/heliograph.js';

interface PriceUpdate { symbol: string; price: number; change24hPct?: number }

const hg = new Heliograph({ getToken: async () => 'jwt', backoff: { base: 250 }, fallback: true });
const off: () => void = hg.on('state', (s: StateChange) => {
  const label: string = s.state === State.OPEN ? `live on ${s.node ?? '?'}` : s.reconnecting ? 'reconnecting' : s.state;
  void label;
});
off();
const sub = hg.subscribe<PriceUpdate>('prices.btc-usd', (event: CloudEvent<PriceUpdate>, meta) => {
  const p: number = event.data.price;
  const o: number = meta.offset;
  void p; void o;
}, { since: { epoch: 'e1', offset: 3 }, onSubscribed: (i) => void i.recovered, onJoin: (j) => void j.client.session });
sub.unsubscribe();
hg.publish('chat.lobby', 'chat-message', { name: 'a', text: 'b' }).then((r) => r.offset.toFixed(), (e: HeliographError) => e.code);
hg.presence('chat.lobby').then((p) => p.clients.map((c) => c.user));
hg.history('chat.lobby', { limit: 5 }).then((h) => h.events[0]?.event.type);
const delay: number = new Backoff().next();
const dup: boolean = new Positions().accept('a', 'e', 1);
const code: 4001 = CloseCode.UNAUTHORIZED;
const pos = parseEventId('a@e:1').get('a')?.offset;
void delay; void dup; void code; void pos;
hg.close();
