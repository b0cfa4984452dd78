// The chapters' first frame, before Python is up. The build ran this same script with the same
// bridge in the same Pyodide (py/builder/first_frame.py) and embedded the worker's `load` info
// and its answers to the calls the sections make first. While the live worker boots, and only
// if it boots the very script and data set that were recorded, the sections draw from those
// answers, each chapter marked as computed ahead. When the worker is ready the marks go and
// every call goes to it; the sections redraw from it unless its info is bit for bit the recorded
// one (then what they show is already the live run's: a redraw would only cost time and could
// swallow a click the learner made meanwhile). A call that was not recorded waits for the worker.
import { el } from './ui/dom.js';
import { helpMarker } from './ui/tooltip.js';
import { base64ToBytes, gunzipBytes } from './codec/bytes.js';
import { pack, unpack, callKey } from './first-frame-codec.js';

const MARK_EXPLANATION =
  'this page was built by running this same script in the same Python (Pyodide) it runs in your ' +
  "browser, and it carries that run's answers for what each chapter shows first. They are the live run's numbers, bit for " +
  'bit. When Python in your browser is ready, it answers everything from then on and this note goes away.';

export class FirstFrame {
  // liveRoots: Map section id -> its [data-live] element (the mark goes at its top).
  constructor(liveRoots) {
    this.liveRoots = liveRoots;
    this.state = 'none'; // 'none' (no recording) | 'skipped' | 'decoding' | 'shown' | 'live'
    this.reason = null; // why it was skipped
    this.answers = null; // callKey -> {ok, result | error} (packed; decoded per use)
    this.made = []; // the calls sections made while the recording was shown: {method, args, recorded}
    this.marks = [];
    this.block = document.querySelector('script[data-embedded="first-frame"]')?.textContent ?? null;
    this.parsedBlock = null; // see recording()
    this.unpacking = null; // see unpack()
  }

  // The rpc the sections are given: recorded calls are answered from the recording while it is
  // shown; everything else (and everything once the worker is ready) goes to the worker.
  wrap(rpc) {
    const recorded = (method, args) => {
      if (this.state !== 'shown') return null;
      const answer = this.answers.get(callKey(method, args));
      this.made.push({ method, args: structuredClone(args ?? {}), recorded: Boolean(answer) });
      if (!answer) return null;
      const { ok, result, error } = this.unpacked.materialize(answer);
      return ok ? Promise.resolve(result) : Promise.reject(error);
    };
    const answered = {
      call: (method, args) => recorded(method, args) ?? rpc.call(method, args),
      latest: (key, method, args) => recorded(method, args) ?? rpc.latest(key, method, args),
    };
    // Everything else (stream, on, ready, restart...) is the rpc's own, whatever it grows.
    return new Proxy(rpc, { get: (target, name) => answered[name] ?? Reflect.get(target, name) });
  }

  // Resolves the recorded info if the worker boots what was recorded (script, filename and the
  // embedded data set's block), else null. datasetBlock: the embedded data set's text, or null
  // when the worker boots another one.
  async show(script, datasetBlock) {
    if (!this.block) return this.skip('none', 'this page has no recorded first frame');
    if (datasetBlock == null) return this.skip('skipped', 'the worker boots another data set');
    const { fingerprint: expected } = this.recording();
    if (fingerprint(script.filename, script.source, datasetBlock) !== expected) {
      return this.skip('skipped', 'the script or data set differs from the recorded one');
    }
    this.state = 'decoding';
    let unpacked;
    try {
      unpacked = await this.unpack();
    } catch (error) {
      // a damaged block: the page waits for the worker, as without one
      return this.state === 'decoding' ? this.skip('skipped', `the recording could not be read: ${error.message}`) : null;
    }
    if (this.state !== 'decoding') return null; // the worker was ready first
    this.unpacked = unpacked;
    this.answers = new Map(unpacked.json.calls.map((c) => [callKey(c.method, c.args), c]));
    this.state = 'shown';
    for (const root of this.liveRoots.values()) this.marks.push(mark(root));
    return unpacked.materialize(unpacked.json.info);
  }

  // The recording's data, decoded once. main.js starts this before anything else, so that it
  // overlaps the rest of the page's start (show() still checks the recording is this script's).
  unpack() {
    this.unpacking ??= Promise.resolve()
      .then(() => gunzipBytes(base64ToBytes(this.recording().data)))
      .then(unpack);
    return this.unpacking;
  }

  // The block's JSON, {fingerprint, data}, parsed once (~60 KB; unpack() and show() both read it).
  recording() {
    this.parsedBlock ??= JSON.parse(this.block);
    return this.parsedBlock;
  }

  skip(state, reason) {
    Object.assign(this, { state, reason });
    return null;
  }

  // The worker is ready (or failed): from now on every call goes to it, and the marks go.
  // Returns true when the sections already show the live run: the recording was on screen and
  // the worker's info (`liveInfo`) is the recorded one, byte for byte.
  end(liveInfo) {
    const shown = this.state === 'shown';
    if (shown || this.state === 'decoding') this.state = 'live';
    for (const m of this.marks) m.remove();
    this.marks = [];
    this.sameAsLive = Boolean(shown && liveInfo && sameBytes(pack(liveInfo), pack(this.unpacked.materialize(this.unpacked.json.info))));
    return this.sameAsLive;
  }

  // For tests and the curious (window.microgptGuide.firstFrame).
  report() {
    return {
      state: this.state,
      reason: this.reason,
      sameAsLive: this.sameAsLive ?? null, // set at ready: the sections kept the recorded frame
      calls: this.made.slice(),
      // The recording itself, decoded afresh: {info, calls: [{method, args, ok, result | error}]}.
      recording: () => (this.unpacked ? this.unpacked.materialize(this.unpacked.json) : null),
    };
  }
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mark(root) {
  // Not a live region: seven identical announcements would be noise (the sidebar's badge says
  // when Python is running).
  const note = el('p', 'first-frame-mark', [
    el('span', { className: 'first-frame-dot', 'aria-hidden': 'true' }),
    el('span', null, [el('strong', null, 'Computed ahead'), ' by this same script when the page was built · live Python is starting…']),
  ]);
  note.append(helpMarker('Computed ahead', MARK_EXPLANATION));
  root.prepend(note);
  return note;
}

// Must match py/builder/first_frame.py: two 32-bit FNV-1a over UTF-16 code units.
function fingerprint(filename, source, datasetBlock) {
  const text = `${filename}\0${source}\0${datasetBlock}`;
  return [0x811c9dc5, 0x01000193]
    .map((seed) => {
      let h = seed;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
      return h.toString(16).padStart(8, '0');
    })
    .join('');
}
