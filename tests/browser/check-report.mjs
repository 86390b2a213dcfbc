// Checks one HTML report in the system Chromium, as a person would see it:
//   node check-report.mjs PAGE.html [--shots DIR]
// For each width (400, 1024 and 1200 px) it measures sideways overflow, the
// smallest chart text, the scrollable regions (and whether the keyboard reaches
// them), the dates drawn on two lines and runs axe-core (WCAG 2.1 A and AA); then it prints the page to PDF
// (Letter) and counts the pages. The result is one JSON object on stdout.
// Nothing is fetched: the page is a local file and the browser is the system's.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";
import puppeteer from "puppeteer-core";
import { AxePuppeteer } from "@axe-core/puppeteer";

const args = process.argv.slice(2);
const page_file = path.resolve(args[0]);
const shots = args.includes("--shots") ? path.resolve(args[args.indexOf("--shots") + 1]) : null;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const WIDTHS = [400, 1024, 1200];
// axe takes seconds a width: run where the issue asks, or at the widths --axe gives ("1200")
const AXE_WIDTHS = args.includes("--axe")
  ? args[args.indexOf("--axe") + 1].split(",").map(Number)
  : [400, 1200];

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"],
});
const result = { widths: {} };
try {
  const timing = {};
  for (const width of WIDTHS) { // one at a time: a page in the background is not painted
    const began = Date.now();
    const page = await browser.newPage();
    await page.setViewport({ width, height: 900 });
    await page.goto(pathToFileURL(page_file).href, { waitUntil: "load" });
    const measured = await page.evaluate(() => {
      const doc = document.documentElement;
      const scrollable = [];
      for (const el of document.querySelectorAll("body *")) {
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const style = getComputedStyle(el);
        if (!["auto", "scroll"].includes(style.overflowX)) continue;
        const label = el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") || "")
          .split(/\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ").trim();
        scrollable.push({ tag: el.tagName.toLowerCase(), cls: String(el.className), tabindex: el.getAttribute("tabindex"), label });
      }
      // the rendered size of chart text: the font size scaled by the SVG's own scale
      const svg = document.querySelector("svg.chart");
      let chartFont = null;
      const chartClipped = []; // chart text reaching past the SVG's own box is cut off
      const chartOverlap = [];
      if (svg) {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        chartFont = Math.min(...[...svg.querySelectorAll("text")].map(
          (t) => parseFloat(getComputedStyle(t).fontSize) * scale));
        const box = svg.getBoundingClientRect(); // on screen, after any rotation
        const texts = [...svg.querySelectorAll("text")];
        for (const t of texts) {
          const b = t.getBoundingClientRect();
          if (b.left < box.left - 0.5 || b.right > box.right + 0.5) chartClipped.push(t.textContent.slice(0, 60));
        }
        // chart text drawn over other chart text (the axis title over the price labels)
        const rects = texts.map((t) => [t.textContent, t.getBoundingClientRect()]);
        for (let i = 0; i < rects.length; i++) {
          for (let j = i + 1; j < rects.length; j++) {
            const [ta, a] = rects[i], [tb, b] = rects[j];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
              chartOverlap.push(`${ta.slice(0, 30)} / ${tb.slice(0, 30)}`);
            }
          }
        }
      }
      // a date drawn on two lines ("2026-12-" / "31"): every YYYY-MM-DD in the page's text
      // (the chart's SVG text never wraps), measured as laid out, whatever its markup
      const brokenDates = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest("svg")) continue;
        for (const m of node.data.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) brokenDates.push(m[0]);
        }
      }
      return {
        brokenDates,
        pageWidth: doc.scrollWidth,
        windowWidth: doc.clientWidth,
        chartFontPx: chartFont,
        chartClipped,
        chartOverlap,
        scrollable,
      };
    });
    if (AXE_WIDTHS.includes(width)) {
      const axe = await new AxePuppeteer(page).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      measured.violations = axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
    }
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, `report-${width}.png`) });
    }
    result.widths[width] = measured;
    timing[width] = Date.now() - began;
    await page.close();
  }
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(pathToFileURL(page_file).href, { waitUntil: "load" });
  const pdf = await page.pdf({ format: "Letter", printBackground: false });
  if (shots) writeFileSync(path.join(shots, "report.pdf"), pdf);
  const text = Buffer.from(pdf).toString("latin1");
  result.text = await page.evaluate(() => ({
    compareTable: !!document.querySelector("table.compare"),
    chart: !!document.querySelector("svg.chart") && document.body.innerText.includes("Cost curves"),
    notice: document.body.innerText.includes("Not medical advice."),
  }));
  result.printedPages = (text.match(/\/Type\s*\/Page(?!s)/g) || []).length;
  await page.emulateMediaType("print");
  result.printedInPageLinks = await page.evaluate(() =>
    [...document.querySelectorAll('a[href^="#"]')].filter(
      (a) => getComputedStyle(a, "::after").content.includes("#")).length);
  result.ms = timing;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
