// Globals the page's own code sets outside the modules, for the type check (jsconfig.json).
interface Window {
  // The first worker, started by the page's head before the modules load (py/builder/build.py);
  // js/embedded.js hands it over once.
  __pythonWorker?: Worker | null;
  // The handle for tests and the curious (js/main.js, README).
  microgptGuide?: object;
}
