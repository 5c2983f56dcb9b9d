// Entry point: bundled and minified by esbuild.
import { greet } from "./lib/greet.js";
import { formatPrice } from "./lib/price.js";

const logo = new URL("../img/logo.svg", import.meta.url);

document.addEventListener("DOMContentLoaded", () => {
  document.querySelector("main").dataset.greeting = greet("visitor");
  document.querySelector("main").dataset.price = formatPrice(1999);
  document.querySelector("main").dataset.logo = logo.href;
});
