// Debian's chromium, headless, as a WebRTC peer driven over stdin/stdout (one JSON object per
// line), for mediacapture-webrtc's interop tests.
//
// Out: {"ready":true} once the page is up; {"answer":SDP} for an offer; {"event":…} as things
// happen on the page; {"error":MESSAGE} when something fails (then it exits 1).
// In:  {"offer":SDP} (answer it: non-trickle, the answer carries Chromium's candidates),
//      {"quit":true}.
// The page answers data channels by echoing every message with "echo:" before it.
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const fail = (e) => { say({ error: String(e && e.stack || e) }); process.exit(1); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    // Candidates on 127.0.0.1 (the tests' only address), as IP addresses, not mDNS names.
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--no-sandbox',
  ],
}).catch(fail);
const page = await browser.newPage();
page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
await page.exposeFunction('report', (o) => say({ event: o }));
await page.setContent('<!doctype html><title>peer</title>');
say({ ready: true });

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let msg;
  try { msg = JSON.parse(line); } catch (e) { fail(`not JSON: ${line}`); }
  if (msg.quit) break;
  if (msg.offer) {
    const answer = await page.evaluate(async (sdp) => {
      const pc = new RTCPeerConnection();
      window.pc = pc;
      pc.onconnectionstatechange = () => report({ connectionState: pc.connectionState });
      pc.ondatachannel = ({ channel }) => {
        report({ datachannel: channel.label });
        channel.onopen = () => report({ open: channel.label });
        channel.onmessage = ({ data }) => {
          const text = typeof data === 'string' ? data : `binary:${new Uint8Array(data).join(',')}`;
          report({ message: text });
          channel.send('echo:' + text);
        };
      };
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription();
      if (pc.iceGatheringState !== 'complete') {
        await new Promise((done) => {
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done();
        });
      }
      return pc.localDescription.sdp;
    }, msg.offer).catch(fail);
    say({ answer });
  }
}
await browser.close();
process.exit(0);
