// Drives the vendor's newer SDK (@mindstudio-ai/agent) unchanged against the server whose origin is argv[2], with the
// key in TOKEN, and prints what each call gave (or the error it threw) as one JSON line.
import { MindStudioAgent } from '@mindstudio-ai/agent';

const baseUrl = process.argv[2];
const agent = new MindStudioAgent({ apiKey: process.env.TOKEN, baseUrl });
const report = {};
const record = async (name, call) => {
  try {
    report[name] = await call();
  } catch (e) {
    report[name] = { error: { name: e.name, code: e.code, status: e.status, message: e.message } };
  }
};

(async () => {
  await record('agents', () => agent.listAgents());
  await record('run', () => agent.runAgent({ appId: 'blog', variables: { topic: 'otters', tone: 'calm' }, pollIntervalMs: 50 }));
  await record('unknownApp', () => agent.runAgent({ appId: 'no-such-app', pollIntervalMs: 50 }));
  await record('badKey', () => new MindStudioAgent({ apiKey: 'not-a-key', baseUrl }).listAgents());
  await record('userInfo', () => agent.getUserInfo());
  await record('models', () => agent.listModels());
  await record('generateText', () => agent.generateText({ message: 'Say hello to {{name}}' }));
  await record('httpRequest', () => agent.httpRequest({ url: `${baseUrl}/healthz`, method: 'GET' }));
  await record('unsupported', () => agent.executeStep('generateImage', { prompt: 'a cat' }));
  await record('batch', () => agent.executeStepBatch([
    { stepType: 'userMessage', step: { message: 'echoed', source: 'system' } },
    { stepType: 'httpRequest', step: { url: `${baseUrl}/healthz`, method: 'GET' } },
    { stepType: 'httpRequest', step: { url: `${baseUrl}/developer/v2/agents/load`, method: 'GET' } },
  ]));
  await record('upload', async () => {
    const bytes = Buffer.from('uploaded through the vendor SDK\n');
    const { url } = await agent.uploadFile(bytes, { extension: 'txt', type: 'text/plain' });
    const withKey = await fetch(url, { headers: { Authorization: `Bearer ${process.env.TOKEN}` } });
    const withoutKey = await fetch(url);
    return { url, status: withKey.status, text: await withKey.text(), withoutKey: withoutKey.status };
  });
  console.log(JSON.stringify(report));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
