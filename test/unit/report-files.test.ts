/**
 * The report's files and the links to them: what is written (one list for the CLI and the
 * Lambda), the S3 console addresses, and how e-mail, Slack and chat messages show them.
 */
import { describe, expect, it } from 'vitest';
import { HTML_TYPE, mainArtifact, reportArtifacts } from '../../src/lib/render/artifacts.js';
import { withIsoColumns } from '../../src/lib/render/iso-times.js';
import type { Report, ReportFiles } from '../../src/lib/report/model.js';
import { parseReport } from '../../src/lib/report/parse-report.js';
import { renderChatNotification } from '../../src/lib/render/render-chat.js';
import { renderJson } from '../../src/lib/render/render-json.js';
import { renderSlackBlocks, SLACK_BUTTON_TEXT_MAX_CHARS, SLACK_BUTTON_URL_MAX_CHARS, type SlackBlock } from '../../src/lib/render/render-slack.js';
import { renderText } from '../../src/lib/render/render-text.js';
import { buildSnsMessage } from '../../src/lib/render/sns-message.js';
import { S3_CONSOLE_URL, s3ConsoleFolderUrl, s3ConsoleObjectUrl } from '../../src/lib/report/console-url.js';
import { richReport } from '../support/report-fixture.js';

const BUCKET = 'flowlog-pilot-prod-resultsbucket-1a2b3c4d5e6f';
const FILES: ReportFiles = {
  location: `s3://${BUCKET}/reports/2026-11-25/`,
  folderUrl: s3ConsoleFolderUrl('ap-northeast-1', BUCKET, 'reports/2026-11-25/'),
  main: 'report.txt',
  mainUrl: s3ConsoleObjectUrl('ap-northeast-1', BUCKET, 'reports/2026-11-25/report.txt'),
};
const linked = (report: Report = richReport()): Report => ({ ...report, files: FILES });
const actions = (blocks: readonly SlackBlock[]) => blocks.filter((b): b is Extract<SlackBlock, { type: 'actions' }> => b.type === 'actions');

describe('S3 console addresses', () => {
  it('when a folder and an object are linked, they are the console pages of the private bucket in its region, not presigned links', () => {
    expect(FILES.folderUrl).toBe(
      `https://ap-northeast-1.console.aws.amazon.com/s3/buckets/${BUCKET}?region=ap-northeast-1&bucketType=general&prefix=reports%2F2026-11-25%2F&showversions=false`,
    );
    expect(FILES.mainUrl).toBe(
      `https://ap-northeast-1.console.aws.amazon.com/s3/object/${BUCKET}?region=ap-northeast-1&bucketType=general&prefix=reports%2F2026-11-25%2Freport.txt`,
    );
    for (const url of [FILES.folderUrl, FILES.mainUrl]) {
      expect(url).toMatch(S3_CONSOLE_URL);
      expect(url).not.toMatch(/X-Amz-|Signature|Expires/);
    }
  });

  it("when the region is in the China or GovCloud partition, the link goes to that partition's console", () => {
    expect(s3ConsoleFolderUrl('cn-north-1', 'b-1', 'reports/')).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\/s3\/buckets\/b-1\?/);
    expect(s3ConsoleObjectUrl('us-gov-west-1', 'b-1', 'reports/x')).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\/s3\/object\/b-1\?region=us-gov-west-1&/);
  });

  it('when the bucket or region is not a valid name, no link is built', () => {
    expect(() => s3ConsoleFolderUrl('ap-northeast-1', 'Bad_Bucket', 'reports/')).toThrow(/bucket/);
    expect(() => s3ConsoleObjectUrl('evil.example/x', 'bucket', 'k')).toThrow(/region/);
  });
});

describe('report artifacts', () => {
  it('when a report is turned into files, it gives report.txt, report.json, report.html, totals and one CSV per query, each typed', () => {
    const report = richReport();

    const artifacts = reportArtifacts(report);

    const names = artifacts.map((a) => a.name);
    expect(names.slice(0, 4)).toEqual(['report.txt', 'report.json', 'report.html', 'totals.csv']);
    for (const q of report.queries.filter((x) => x.status === 'succeeded')) expect(names).toContain(`${q.name}.csv`);
    expect(new Set(names).size).toBe(names.length);
    const json = JSON.parse(artifacts.find((a) => a.name === 'report.json')?.body ?? '{}') as { schemaVersion: number; findings: unknown[]; totals: unknown };
    expect(json.schemaVersion).toBe(1);
    expect(json.totals).toEqual(JSON.parse(renderJson(report)).totals);
    expect(json.findings).toHaveLength(report.findings.length);
    expect(artifacts.find((a) => a.name === 'report.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(artifacts.find((a) => a.name === 'report.txt')?.contentType).toBe('text/plain; charset=utf-8');
    expect(artifacts.find((a) => a.name === 'report.json')?.contentType).toBe('application/json; charset=utf-8');
    expect(artifacts.filter((a) => a.name.endsWith('.csv')).every((a) => a.contentType === 'text/csv; charset=utf-8')).toBe(true);
    const firstFinding = report.findings[0]!;
    expect(artifacts.find((a) => a.name === `${firstFinding.rule}.csv`)?.body.split('\n')[0]).toBe(
      withIsoColumns(Object.keys(firstFinding.rows[0]!))
        .map((k) => `"${k}"`)
        .join(','),
    );
  });

  it('when the list has an HTML page, it is the one to open first; without one, the text report is', () => {
    const artifacts = reportArtifacts(richReport());
    expect(mainArtifact(artifacts)?.name).toBe('report.html');
    expect(mainArtifact(artifacts.filter((a) => a.contentType !== HTML_TYPE))?.name).toBe('report.txt');
  });
});

describe('links in messages', () => {
  it('when the files were saved, the e-mail text links the main file and the folder', () => {
    const text = renderText(linked());
    expect(text).toContain(`Full report (report.txt, S3 console): ${FILES.mainUrl}`);
    expect(text).toContain(`Report files, CSVs included, in ${FILES.location} (S3 console, sign in to open): ${FILES.folderUrl}`);
    expect(renderText(richReport())).not.toContain('console.aws.amazon.com/s3');
  });

  it('when the files were saved, Slack gets an "Open report" button to the main file and an "All files" button, within Slack\'s button limits', () => {
    const blocks = renderSlackBlocks(linked()).blocks;

    const [row] = actions(blocks);
    expect(blocks.indexOf(row!)).toBe(2);
    expect(row!.elements).toEqual([
      { type: 'button', text: { type: 'plain_text', text: 'Open report', emoji: false }, url: FILES.mainUrl, action_id: 'open-report', style: 'primary' },
      { type: 'button', text: { type: 'plain_text', text: 'All files', emoji: false }, url: FILES.folderUrl, action_id: 'open-report-folder' },
    ]);
    expect(actions(renderSlackBlocks(richReport()).blocks)).toEqual([]);
  });

  it('when a link is 3,000 characters its button is kept, and at 3,001 it is left out (Slack: button url at most 3,000 characters)', () => {
    // Slack Block Kit reference, button element: url max 3000 characters; text max 75 characters.
    expect(SLACK_BUTTON_URL_MAX_CHARS).toBe(3_000);
    expect(SLACK_BUTTON_TEXT_MAX_CHARS).toBe(75);
    const pad = (n: number) => `${FILES.mainUrl}${'a'.repeat(n - FILES.mainUrl.length)}`;

    const atLimit = actions(renderSlackBlocks({ ...linked(), files: { ...FILES, mainUrl: pad(3_000) } }).blocks)[0]!.elements;
    const over = actions(renderSlackBlocks({ ...linked(), files: { ...FILES, mainUrl: pad(3_001) } }).blocks)[0]!.elements;

    expect(atLimit.map((e) => e.action_id)).toEqual(['open-report', 'open-report-folder']);
    expect(over.map((e) => e.action_id)).toEqual(['open-report-folder']);
  });

  it("when the files were saved, the chat notification's first next step opens the report", () => {
    expect(renderChatNotification(linked()).content.nextSteps[0]).toBe(`Open the report: ${FILES.mainUrl}`);
    expect(renderChatNotification(richReport()).content.nextSteps.join(' ')).not.toContain('console.aws.amazon.com/s3');
  });

  it('when the report travels through SNS to the Slack forwarder, the links survive and the button is the same', () => {
    const message = JSON.parse(buildSnsMessage(linked()).Message) as { lambda: string; email: string };

    const received = parseReport(message.lambda);

    expect(received.files).toEqual(FILES);
    expect(message.email).toContain(FILES.mainUrl);
    expect(actions(renderSlackBlocks(received).blocks)).toEqual(actions(renderSlackBlocks(linked()).blocks));
  });

  it('when a report read from SNS carries a link that is not an S3 console address, it is refused naming the field', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Slack message is free-form JSON read by path
    const json = JSON.parse(renderJson(linked())) as Record<string, any>;
    json.files.mainUrl = 'https://evil.example/s3/object/bucket?prefix=x';

    expect(() => parseReport(JSON.stringify(json))).toThrow(/^report\.files\.mainUrl: /);
  });
});
