// Runs the example receiver: WEBHOOK_SECRET=whsec_… PORT=4000 node server.mjs
import { createHostApp } from './app.mjs';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the secret `scimd webhook create` printed.');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 4000);
const { server, tables } = createHostApp({ secret, log: (line) => console.log(JSON.stringify(line)) });
server.listen(port, '127.0.0.1', () => console.log(`host app listening on http://127.0.0.1:${port}/webhooks/scimd`));
setInterval(() => console.log(`users: ${tables.users.size}`), 60_000).unref();
