import { expect } from 'chai';
import type { ScenarioResult } from '../../lib/model.ts';
import { renderJunit, xmlAttr, xmlText } from '../../lib/report/junit.ts';
import type { RunReport } from '../../lib/report/run-report.ts';
import { makeScenarioResult } from '../fixtures/make-result.ts';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const BARE_AMP = /&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(ENTITY, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (named[e] ?? ''),
  );
}

/**
 * A tiny, strict XML checker (enough for JUnit output: elements, attributes, text, an XML
 * declaration; no DTD, comments, CDATA or processing instructions). Throws on anything not
 * well-formed: unbalanced or crossed tags, unquoted or duplicate attributes, a bare "&" or "<"
 * in text, characters XML 1.0 forbids, more than one root.
 */
function parseXml(xml: string): XmlElement {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  if (INVALID_CHAR.test(rest)) throw new Error('character not allowed in XML 1.0');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/;
  while (rest.length) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text) {
      if (BARE_AMP.test(text)) throw new Error(`bare & in text: ${text.slice(0, 40)}`);
      if (text.includes('>') && text.includes(']]>')) throw new Error(']]> in text');
      const top = stack[stack.length - 1];
      if (!top) {
        if (text.trim()) throw new Error(`text outside the root: ${text.slice(0, 40)}`);
      } else top.text += decode(text);
      rest = rest.slice(text.length);
      continue;
    }
    const m = tag.exec(rest);
    if (!m) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
    const [whole, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    rest = rest.slice(whole.length);
    if (close) {
      if (attrText || selfClose) throw new Error(`bad closing tag ${whole}`);
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g)) {
      const [, k, v] = a as unknown as [string, string, string];
      if (k in attrs) throw new Error(`duplicate attribute ${k}`);
      if (BARE_AMP.test(v)) throw new Error(`bare & in attribute ${k}`);
      attrs[k] = decode(v);
    }
    const el: XmlElement = { name, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error('more than one root element');
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

function report(scenarios: ScenarioResult[]): RunReport {
  return {
    schemaVersion: 1,
    runId: 'run-1',
    startedAt: '2026-11-25T11:45:00.000Z',
    finishedAt: '2026-11-25T11:47:00.000Z',
    seed: 42,
    machine: { hostname: 'ci', cpus: 2, memGiB: 24, node: 'v24.21.0', platform: 'linux x64' },
    config: {},
    scenarios,
  };
}

describe('JUnit report', () => {
  describe('the tiny XML checker itself', () => {
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a b=c></a>', '<a b="1" b="2"/>', '<a></a><b></b>', '<a>', '<a>\u0001</a>', '<a><</a>']) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        expect(() => parseXml(bad)).to.throw();
      });
    }
    it('accepts a well-formed document', () => {
      const root = parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b/>t &lt;3</a>');
      expect(root.attrs['x']).to.equal('1 & 2');
      expect(root.text).to.equal('t <3');
    });
  });

  it('is well-formed, with one testsuite and one testcase per scenario', () => {
    const run = report([makeScenarioResult({ verdict: 'pass' }), makeScenarioResult({ verdict: 'fail' }), makeScenarioResult({ verdict: 'error' })]);
    const root = parseXml(renderJunit(run));
    expect(root.name).to.equal('testsuites');
    const suites = all(root, 'testsuite');
    expect(suites).to.have.length(1);
    expect(suites[0]!.attrs).to.include({ tests: '3', failures: '1', errors: '1', skipped: '0' });
    const cases = all(root, 'testcase');
    expect(cases).to.have.length(3);
    expect(cases.map((c) => c.attrs['classname'])).to.deep.equal(['failover', 'failover', 'failover']);
    expect(Number(cases[0]!.attrs['time'])).to.be.closeTo(31.2, 0.001);
  });

  it('puts failed assertions in <failure> and the error in <error>', () => {
    const root = parseXml(renderJunit(report([makeScenarioResult({ verdict: 'pass' }), makeScenarioResult({ verdict: 'fail' }), makeScenarioResult({ verdict: 'error' })])));
    const [pass, fail, error] = all(root, 'testcase');
    expect(all(pass!, 'failure')).to.have.length(0);
    expect(all(pass!, 'error')).to.have.length(0);
    const failure = all(fail!, 'failure')[0]!;
    expect(failure.attrs['message']).to.match(/^no acknowledged write is lost: \d+ of \d+ acknowledged writes lost$/);
    expect(failure.text).to.contain('check write-loss INVALID');
    const err = all(error!, 'error')[0]!;
    expect(err.attrs['message']).to.contain('exited (code 137)');
    expect(err.text).to.contain('failover-timing error');
  });

  it('writes the key figures to system-out', () => {
    const root = parseXml(renderJunit(report([makeScenarioResult()])));
    const out = all(root, 'system-out')[0]!.text;
    expect(out).to.contain('detection: 945 ms');
    expect(out).to.contain('durable unavailability: 2230 ms');
    expect(out).to.contain('raw unavailability (every ack): 2230 ms');
    expect(out).to.contain('durable client recovery: 2230 ms');
    expect(out).to.contain('reattached: 2/2, 11500 ms after heal');
    expect(out).to.contain('server: 7.0.15');
  });

  it("uses 'chaos' as classname when a scenario has no tags", () => {
    const s = makeScenarioResult();
    s.scenario.tags = [];
    expect(all(parseXml(renderJunit(report([s]))), 'testcase')[0]!.attrs['classname']).to.equal('chaos');
  });

  it('escapes hostile text and drops characters XML cannot hold', () => {
    const nasty = `<script>alert("x")</script> & 'q' ]]> \u0000\u0001\u001b ✓ 😀 \uD800`;
    const s = makeScenarioResult({ verdict: 'fail', title: nasty });
    s.assertions = [{ name: nasty, ok: false, message: `line1\nline2\t"${nasty}"` }];
    s.scenario.tags = [nasty];
    const run = report([s]);
    run.runId = nasty;
    run.machine.hostname = nasty;
    const xml = renderJunit(run);
    const root = parseXml(xml);
    const tc = all(root, 'testcase')[0]!;
    const cleaned = nasty.replace(/[\u0000\u0001\u001b\uD800]/g, '\uFFFD');
    expect(tc.attrs['classname']).to.equal(cleaned);
    expect(tc.attrs['name']).to.contain(cleaned);
    expect(all(tc, 'failure')[0]!.attrs['message']).to.equal(`${cleaned}: line1\nline2\t"${cleaned}"`);
    expect(all(root, 'testsuite')[0]!.attrs['hostname']).to.equal(cleaned);
  });

  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c')).to.equal('a&lt;b&gt;&amp;c');
    expect(xmlAttr(`"'\n`)).to.equal('&quot;&apos;&#10;');
  });

  it('is well-formed for an empty run', () => {
    const root = parseXml(renderJunit(report([])));
    expect(all(root, 'testsuite')[0]!.attrs['tests']).to.equal('0');
  });
});
