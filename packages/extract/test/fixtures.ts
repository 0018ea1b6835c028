// Valid documents of every format, built at test time with real writers (pdf-lib, docx) or written out by hand.
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { ExtractFormat } from '../src/index.js';

/** A PDF made by pdf-lib: one page per entry of `pages`, each entry's lines drawn top-down. */
export async function makePdf(options: { title?: string; author?: string; pages: readonly string[][]; objectStreams?: boolean }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (options.title !== undefined) doc.setTitle(options.title);
  if (options.author !== undefined) doc.setAuthor(options.author);
  doc.setCreationDate(new Date('2024-05-01T10:00:00Z'));
  doc.setModificationDate(new Date('2024-05-02T11:30:00Z'));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of options.pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => { page.drawText(line, { x: 50, y: 740 - i * 18, font, size: 12 }); });
  }
  return doc.save({ useObjectStreams: options.objectStreams ?? true });
}

/**
 * A PDF written by hand: classic xref table, uncompressed content streams, no document info unless `title` is given.
 * pdf-lib's output always has info and compressed object streams; this one is the other kind.
 */
export function rawPdf(pages: readonly string[], title?: string): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>');
  pages.forEach((text, i) => {
    const stream = `BT /F1 14 Tf 72 720 Td (${text.replace(/[()\\]/g, (ch) => `\\${ch}`)}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  let infoId: number | undefined;
  if (title !== undefined) {
    objects.push(`<< /Title (${title}) /Author (Hand Writer) >>`);
    infoId = objects.length;
  }
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${infoId === undefined ? '' : ` /Info ${infoId} 0 R`} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

/** A DOCX made by the docx package: a heading, paragraphs and a small table. */
export async function makeDocx(options: { title?: string; creator?: string; heading?: string; paragraphs: readonly string[] }): Promise<Uint8Array> {
  const children: Array<Paragraph | Table> = [];
  if (options.heading !== undefined) children.push(new Paragraph({ text: options.heading, heading: HeadingLevel.HEADING_1 }));
  for (const text of options.paragraphs) children.push(new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun(text)] }));
  children.push(
    new Table({
      rows: [
        new TableRow({ children: [new TableCell({ children: [new Paragraph('Cell A1')] }), new TableCell({ children: [new Paragraph('Cell B1')] })] }),
      ],
    }),
  );
  const doc = new Document({
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.creator === undefined ? {} : { creator: options.creator }),
    sections: [{ children }],
  });
  // The docx package stamps the current time into core.xml and the zip; fixed dates make the bytes reproducible,
  // which the seeded fuzzer needs.
  const files = unzipSync(new Uint8Array(await Packer.toBuffer(doc)));
  const core = files['docProps/core.xml'];
  if (core !== undefined) {
    files['docProps/core.xml'] = strToU8(strFromU8(core).replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, '$12024-05-01T10:00:00Z'));
  }
  return zipSync(files, { mtime: new Date('2024-05-01T10:00:00Z') });
}

export const HTML_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tide Tables &amp; Moon Phases</title>
  <meta name="description" content="How the moon drives the tides">
  <meta name="author" content="R. Carson">
  <meta property="og:title" content="OG title that loses to the title element">
  <style>body { color: red } .secret-style-text {}</style>
  <script>var secretScriptText = "do not index";</script>
</head>
<body>
  <header><a href="/">SiteBannerText</a></header>
  <nav><ul><li>NavLinkHome</li><li>NavLinkAbout</li></ul></nav>
  <main>
    <article>
      <header><h1>Spring tides</h1></header>
      <p>When the sun and the moon   align,
      tides are <em>higher</em> than usual &mdash; these are <b>spring</b> tides.</p>
      <p>Neap tides happen at the quarter moons.<br>They are weaker.</p>
      <ul><li>Spring: new and full moon</li><li>Neap: quarter moons</li></ul>
      <table><tr><th>Phase</th><th>Tide</th></tr><tr><td>Full</td><td>Spring</td></tr></table>
      <pre>  high   04:12
  low    10:30</pre>
      <aside>AsideTeaserText</aside>
      <form><label>FormLabelText</label><input value="x"></form>
      <noscript>NoscriptText</noscript>
      <template><p>TemplateText</p></template>
      <div hidden>HiddenText</div>
    </article>
  </main>
  <footer>FooterCopyrightText</footer>
  <script>trackVisitor("ScriptInBodyText")</script>
</body>
</html>`;

export const MARKDOWN_DOC = `---
title: Field Notes
author: Ada
tags: [birds, marsh]
count: 3
draft: false
published: 2024-05-01
---

# Heading In Body

Saw **three** herons near the [old mill](https://example.org/mill).



\`\`\`
# not a heading
\`\`\`
`;

export const JSON_DOC = JSON.stringify({
  title: 'Quarterly report',
  id: 42,
  summary: 'Revenue grew.',
  sections: [{ heading: 'Sales', body: 'Up 10%' }, { heading: 'Costs', body: 'Flat', draft: true }],
  empty: '',
  nothing: null,
});

export const JSONL_DOC = `{"title":"First","text":"alpha beta"}
{"title":"Second","tags":["x","y"],"n":2}

{"title":"Third","nested":{"deep":{"text":"gamma"}}}
`;

export const CSV_DOC = `name,city,note
Ada,London,"likes ""quotes"", commas"
Grace,Arlington,"two
lines"
,,
Linus,Helsinki,
`;

export const TEXT_DOC = 'Plain notes\r\nline two\u0000 with a NUL\r\n\r\n\r\n\r\nafter blank lines\t tab   \n';

/** One valid document of each format, as bytes, with a file name: the seeds of the contract suite and the fuzzer. */
export async function sampleDocuments(): Promise<Record<ExtractFormat, { name: string; bytes: Uint8Array }[]>> {
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  return {
    text: [{ name: 'notes.txt', bytes: utf8(TEXT_DOC) }],
    markdown: [{ name: 'notes.md', bytes: utf8(MARKDOWN_DOC) }],
    html: [{ name: 'page.html', bytes: utf8(HTML_PAGE) }],
    json: [{ name: 'report.json', bytes: utf8(JSON_DOC) }],
    jsonl: [{ name: 'rows.jsonl', bytes: utf8(JSONL_DOC) }],
    csv: [{ name: 'people.csv', bytes: utf8(CSV_DOC) }],
    pdf: [
      { name: 'lib.pdf', bytes: await makePdf({ title: 'Moon Almanac', author: 'Ada', pages: [['Page one text', 'second line'], ['Page two text']] }) },
      { name: 'classic.pdf', bytes: await makePdf({ pages: [['Classic xref table'], ['Another page']], objectStreams: false }) },
      { name: 'raw.pdf', bytes: rawPdf(['Handwritten page one', 'Handwritten page two']) },
    ],
    docx: [{ name: 'memo.docx', bytes: await makeDocx({ title: 'Memo Title', creator: 'Grace', heading: 'Memo heading', paragraphs: ['First paragraph of the memo.', 'Second paragraph.'] }) }],
  };
}

/**
 * A one-page PDF whose Japanese text is shown through the predefined UniJIS-UCS2-H CMap with a non-embedded CID
 * font: pdf.js can only read it by loading CMap files (UniJIS-UCS2-H, Adobe-Japan1-UCS2).
 */
export function cjkPdf(text: string): Uint8Array {
  const hex = [...text].map((ch) => ch.charCodeAt(0).toString(16).padStart(4, '0')).join('');
  const stream = `BT /F1 24 Tf 72 720 Td <${hex}> Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPr6N-Regular /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPr6N-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /FontDescriptor 7 0 R >>',
    '<< /Type /FontDescriptor /FontName /KozMinPr6N-Regular /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}
