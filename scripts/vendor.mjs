// Copy the few distribution files Outreach serves from node_modules into outreach/static/vendor.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "outreach", "static", "vendor");
const files = {
  "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images": "leaflet/images",
  // Offline (issue 14): IndexedDB for the outbox, and workbox for the service worker. workbox-sw loads the
  // modules named below from the same folder (modulesPathPrefix), so every one it uses is copied.
  "idb/build/umd.js": "idb/umd.js",
  "workbox-sw/build/workbox-sw.js": "workbox/workbox-sw.js",
  ...Object.fromEntries(
    ["core", "routing", "strategies", "expiration", "cacheable-response"].map((name) => [
      `workbox-${name}/build/workbox-${name}.prod.js`,
      `workbox/workbox-${name}.prod.js`,
    ]),
  ),
};

rmSync(target, { recursive: true, force: true });
for (const [source, dest] of Object.entries(files)) {
  const to = join(target, dest);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, "node_modules", source), to, { recursive: true });
}
console.log(`vendored ${Object.keys(files).length} entries into ${target}`);
