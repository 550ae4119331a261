// Deployment overrides for the Heliograph dashboards. Loaded before the page scripts.
// The defaults are the page's host name with the suite's ports (relay 8081, fetcher 8082,
// monitor 8083) and the gateway the page came from; set any of them here, e.g.
//   window.HELIOGRAPH_CONFIG = { relay: 'https://relay.example.com', gateway: 'wss://rt.example.com/ws' };
// Query parameters (?relay=...&fetcher=...&monitor=...&gateway=...&services=a,b) override this file.
// metricsServices: the services whose metrics.<service> channels /metrics shows.
window.HELIOGRAPH_CONFIG = window.HELIOGRAPH_CONFIG || {};
