// Drives the official MCP TypeScript SDK client against the server's /mcp (argv[2]) and prints what it saw as one
// JSON line. Tokens come from the environment: TOKEN (admin of `default`), BLOG_TOKEN (exec, recipe `blog` only),
// ACME_TOKEN (admin of `acme`). argv[3] names the gate the cancel case holds its `gated` job on.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(process.argv[2]);
const gate = process.argv[3];

// The cancel notices the client sent, so the script does not close the client (which aborts its POSTs) before they land.
const notices = [];

async function connect(token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const client = new Client({ name: 'workflows-compat-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const sent = send(message, options);
    if (message.method === 'notifications/cancelled') notices.push(sent);
    return sent;
  };
  await client.connect(transport);
  return client;
}

const names = async (token) => {
  const client = await connect(token);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
};

(async () => {
  const report = {};
  report.adminTools = await names(process.env.TOKEN);
  report.blogTools = await names(process.env.BLOG_TOKEN);
  report.acmeTools = await names(process.env.ACME_TOKEN);
  try {
    await names(null);
    report.anonymous = { connected: true };
  } catch (e) {
    report.anonymous = { name: e.constructor.name, code: e.code, message: e.message };
  }

  const client = await connect(process.env.TOKEN);
  const listed = (await client.listTools()).tools;
  report.digestSchema = { input: listed.find((t) => t.name === 'digest').inputSchema, output: listed.find((t) => t.name === 'digest').outputSchema };

  const progress = [];
  report.text = await client.callTool({ name: 'blog-writer', arguments: { topic: 'voles' } }, undefined, {
    onprogress: (p) => progress.push(p),
  });
  report.progress = progress;
  // The SDK checks structuredContent against the tool's outputSchema (listTools above cached it).
  report.structured = await client.callTool({ name: 'digest', arguments: { text: 'alpha beta gamma delta', words: 2 } });
  report.failed = await client.callTool({ name: 'tools_fail', arguments: {} });

  // Cancel: abort once the gate block has started. The SDK sends notifications/cancelled as its own POST and leaves the
  // call's request open, so only the stored request id can lead the notice to the job.
  const abort = new AbortController();
  try {
    await client.callTool({ name: 'gated', arguments: { gate } }, undefined, {
      signal: abort.signal,
      onprogress: (p) => {
        if (p.message === 'block wait (gate) started') abort.abort('the test gave up');
      },
    });
    report.cancel = { completed: true };
  } catch (e) {
    report.cancel = { name: e.constructor.name, message: String(e.message ?? e) };
  }
  report.cancelNotices = (await Promise.allSettled(notices)).map((n) => n.status);
  report.protocolVersion = client.transport?.protocolVersion;
  await client.close();
  console.log(JSON.stringify(report));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
