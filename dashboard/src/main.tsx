import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { applyTheme, readTheme } from "./lib/theme.ts";
import "./styles.css";
// after the base rules, so its media queries override them
import "./styles/responsive.css";

// before the first render, so the page never flashes in the other theme
applyTheme(readTheme());

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
