/* A vendored script, shipped as it is. */
(function () {
  "use strict";
  var re = /url\("?([^")]+)"?\)/g; // not a reference: a regular expression
  window.legacy = { re: re, version: "1.2.3" };
})();
//# sourceMappingURL=legacy.js.map
