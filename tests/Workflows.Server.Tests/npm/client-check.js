// Drives the vendor's npm client exactly as its README shows, against the base URL given as argv[2],
// and prints what it got as one JSON line. Run from a folder where `mindstudio sync` has written its config.
const { MindStudio } = require('mindstudio');

(async () => {
  const client = new MindStudio(process.env.MINDSTUDIO_KEY, { baseUrl: process.argv[2] });
  const direct = await client.run({ workerId: 'blog', workflow: 'main', variables: { topic: 'otters' } });
  const typed = await client.workers.BlogWriter.writeAPost({ topic: 'badgers', tone: 'calm' });
  let error = null;
  try {
    await client.run({ workerId: 'no-such-app', variables: {} });
  } catch (e) {
    error = { name: e.name, code: e.code, status: e.status, message: e.message };
  }
  console.log(JSON.stringify({ direct, typed, error }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
