import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZip } from '../../deploy/zip-reader.js';

interface Entry {
  readonly name: string;
  readonly data: Buffer;
  readonly method: 0 | 8;
}

/** Writes a zip archive by the PKWARE layout: local headers, central directory, end record. */
function writeZip(entries: readonly Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.method === 8 ? deflateRawSync(entry.data) : entry.data;
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('readZip', () => {
  it("when an archive holds stored and deflated entries, it returns each entry's bytes by name", () => {
    // Prepare
    const bundle = Buffer.from('export const handler = async () => 42;\n'.repeat(200));
    const map = Buffer.from('{"version":3}');
    const archive = writeZip([
      { name: 'src/handlers/report.mjs', data: bundle, method: 8 },
      { name: 'src/handlers/report.mjs.map', data: map, method: 0 },
    ]);

    // Act
    const entries = readZip(archive);

    // Assess
    expect([...entries.keys()]).toEqual(['src/handlers/report.mjs', 'src/handlers/report.mjs.map']);
    expect(entries.get('src/handlers/report.mjs')?.equals(bundle)).toBe(true);
    expect(entries.get('src/handlers/report.mjs.map')?.toString()).toBe('{"version":3}');
  });

  it('when an archive lists a folder, it leaves the folder out', () => {
    // Prepare
    const archive = writeZip([
      { name: 'src/', data: Buffer.alloc(0), method: 0 },
      { name: 'src/a.mjs', data: Buffer.from('a'), method: 0 },
    ]);

    // Act
    const entries = readZip(archive);

    // Assess
    expect([...entries.keys()]).toEqual(['src/a.mjs']);
  });

  it('when given bytes that are not a zip, it says so', () => {
    expect(() => readZip(Buffer.from('plain text, no archive here'))).toThrow(/not a zip archive/);
  });

  it('when an entry uses a method other than stored or deflated, it names the entry and the method', () => {
    // Prepare
    const archive = writeZip([{ name: 'x.bin', data: Buffer.from('xyz'), method: 0 }]);
    const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt16LE(12, central + 10);

    // Act and Assess
    expect(() => readZip(archive)).toThrow(/x\.bin uses compression method 12/);
  });

  const zipBinary = (() => {
    try {
      execFileSync('zip', ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!zipBinary)('when the archive comes from the zip tool, it reads the same bytes that were zipped', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'bench-zip-'));
    try {
      mkdirSync(join(dir, 'in', 'src'), { recursive: true });
      const text = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n');
      writeFileSync(join(dir, 'in', 'src', 'big.mjs'), text);
      writeFileSync(join(dir, 'in', 'tiny.txt'), 'hi');
      execFileSync('zip', ['-q', '-r', join(dir, 'out.zip'), 'src', 'tiny.txt'], { cwd: join(dir, 'in') });

      // Act
      const entries = readZip(readFileSync(join(dir, 'out.zip')));

      // Assess
      expect(entries.get('src/big.mjs')?.toString()).toBe(text);
      expect(entries.get('tiny.txt')?.toString()).toBe('hi');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
