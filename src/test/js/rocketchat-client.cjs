// Drives Rocket.Chat's own REST client (@rocket.chat/api-client) the way Rocket.Chat's apps do:
// log in (answering a TOTP challenge with a second login, as the login form does), set the
// credentials it returned, then generate a personal access token with the client's two-factor
// handler answering the challenge. Prints one JSON line with what happened.
// usage: node rocketchat-client.cjs BASE_URL USERNAME PASSWORD [TOTP_SECRET]
'use strict';
const crypto = require('node:crypto');
const { RestClient } = require('@rocket.chat/api-client');

const [baseUrl, username, password, totpSecret] = process.argv.slice(2);

// RFC 6238 (SHA-1, 6 digits, 30 s), written here from the RFC, independent of the server's code.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    bytes.push(parseInt(bits.slice(i, i + 8), 2));
  }
  return Buffer.from(bytes);
}

function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

async function main() {
  const client = new RestClient({ baseUrl });
  const steps = [];
  const loginStep = Math.floor(Date.now() / 30000);
  let login;
  try {
    login = await client.post('/v1/login', { user: username, password });
  } catch (refused) {
    const body = await refused.json();
    steps.push({ login: refused.status, error: body.error, method: body.details && body.details.method });
    if (body.error !== 'totp-required' || !totpSecret) {
      throw new Error('login refused: ' + JSON.stringify(body));
    }
    login = await client.post('/v1/login', { user: username, password, code: totp(totpSecret, loginStep) });
  }
  steps.push({ login: login.status, userId: login.data.userId });
  client.setCredentials({ 'X-User-Id': login.data.userId, 'X-Auth-Token': login.data.authToken });

  const challenges = [];
  client.handleTwoFactorChallenge(async ({ method, invalidAttempt }) => {
    challenges.push({ method, invalidAttempt });
    if (method === 'totp') {
      return totp(totpSecret, loginStep + 1); // the login spent this step's code; the window takes the next one
    }
    if (method === 'password') {
      return crypto.createHash('sha256').update(password).digest('hex');
    }
    throw new Error('no code for method ' + method);
  });
  const generated = await client.post('/v1/users.generatePersonalAccessToken', { tokenName: 'from-the-rocket-chat-client' });
  const listed = await new RestClient({
    baseUrl,
    credentials: { 'X-User-Id': login.data.userId, 'X-Auth-Token': generated.token },
  }).get('/v1/users.getPersonalAccessTokens');
  process.stdout.write(JSON.stringify({
    steps,
    challenges,
    generated: { success: generated.success, tokenLength: generated.token.length, token: generated.token },
    listedWithTheNewToken: listed.tokens.map((t) => t.name),
  }) + '\n');
}

main().catch(async (e) => {
  const detail = e && typeof e.json === 'function' ? { status: e.status, body: await e.json() } : String(e && e.stack || e);
  process.stdout.write(JSON.stringify({ failed: detail }) + '\n');
  process.exit(1);
});
