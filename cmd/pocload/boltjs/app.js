// pocload's Bolt for JS peer: a minimal Socket Mode app that acks /pitch
// and replies through its response_url, doing no other work — what Bolt
// costs by itself. pocload starts it with node against its own fake Slack.
const { App, LogLevel } = require('@slack/bolt');

const slackApiUrl = process.env.SLACK_API_URL; // the fake Slack's Web API, ending in /
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  appToken: process.env.SLACK_APP_TOKEN,
  socketMode: true,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl },
  installerOptions: { clientOptions: { slackApiUrl } },
});

app.command('/pitch', async ({ command, ack, respond }) => {
  await ack();
  await respond({ response_type: 'ephemeral', text: `Logged pitch: ${command.text}` });
});

(async () => {
  await app.start();
  process.stdout.write('bolt ready\n');
})().catch((err) => {
  process.stderr.write(`bolt failed to start: ${err}\n`);
  process.exit(1);
});

process.on('SIGTERM', () => process.exit(0));
