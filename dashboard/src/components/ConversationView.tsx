// A call's stored bodies as a conversation (messages, tool calls and results, the answer), with the raw
// JSON a click away and "copy as curl" to replay the request.
import { useState, type ReactElement } from "react";
import type { CallDetail } from "../api.ts";
import { conversationOf, type Part, type Turn } from "../lib/conversation.ts";
import { curlCommand } from "../lib/curl.ts";
import { prettyBody } from "../pages/CallFields.tsx";

function PartView(props: { part: Part }): ReactElement {
  const p = props.part;
  if (p.kind === "text") return <div className="msg-text">{p.text}</div>;
  if (p.kind === "thinking")
    return (
      <div className="msg-thinking muted">
        <em>thinking:</em> {p.text}
      </div>
    );
  if (p.kind === "tool_call") {
    return (
      <div className="msg-tool" data-testid="tool-call">
        <span className="tag">tool call</span> <code>{p.name}</code>
        {p.id ? <span className="muted"> {p.id}</span> : null}
        <pre className="code-block">{prettyBody(p.args)}</pre>
      </div>
    );
  }
  if (p.kind === "tool_result") {
    return (
      <div className="msg-tool" data-testid="tool-result">
        <span className="tag">tool result</span> {p.name ? <code>{p.name}</code> : null}
        {p.id ? <span className="muted"> {p.id}</span> : null}
        <pre className="code-block">{prettyBody(p.text)}</pre>
      </div>
    );
  }
  return <div className="muted">[{p.label}]</div>;
}

function TurnView(props: { turn: Turn; answer?: boolean }): ReactElement {
  return (
    <div
      className={`msg msg-${props.turn.role}${props.answer ? " msg-answer" : ""}`}
      data-testid={props.answer ? "answer" : "message"}
      data-role={props.turn.role}
    >
      <div className="msg-role">{props.turn.role}</div>
      {props.turn.parts.map((p, i) => (
        <PartView key={i} part={p} />
      ))}
    </div>
  );
}

export function ConversationView(props: { call: CallDetail }): ReactElement {
  const c = props.call;
  const [raw, setRaw] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const conversation = conversationOf(c);
  const curl = curlCommand(window.location.origin, c);
  const copy = (): void => {
    if (!curl) return;
    const done = (ok: boolean) => setCopied(ok ? "Copied." : "Copy failed: select the command below.");
    if (navigator.clipboard?.writeText)
      navigator.clipboard.writeText(curl).then(
        () => done(true),
        () => done(false),
      );
    else done(false);
  };
  return (
    <div data-testid="conversation">
      <div className="panel-toolbar">
        <button type="button" data-testid="toggle-raw" onClick={() => setRaw((r) => !r)}>
          {raw || !conversation ? "Conversation" : "Raw JSON"}
        </button>
        {curl ? (
          <button type="button" data-testid="copy-curl" onClick={copy}>
            Copy as curl
          </button>
        ) : null}
        {copied ? (
          <span className="muted" role="status">
            {copied}
          </span>
        ) : null}
        {c.responseAssembled ? (
          <span className="tag" title="A stream, stored as the JSON the same call answers unstreamed">
            assembled from the stream
          </span>
        ) : null}
        {c.requestTruncated || c.responseTruncated ? <span className="tag tag-warn">cut at TOLLGATE_BODY_MAX_BYTES</span> : null}
      </div>
      {raw || !conversation ? (
        <div className="grid-2" data-testid="raw-bodies">
          <div>
            <h3>Request</h3>
            <pre className="code-block" data-testid="raw-request">
              {c.requestBody ? prettyBody(c.requestBody) : "—"}
            </pre>
          </div>
          <div>
            <h3>Response</h3>
            <pre className="code-block" data-testid="raw-response">
              {c.responseBody ? prettyBody(c.responseBody) : "—"}
            </pre>
          </div>
        </div>
      ) : (
        <>
          {conversation.tools.length > 0 ? (
            <p className="muted" data-testid="tools-offered">
              Tools offered: {conversation.tools.join(", ")}
            </p>
          ) : null}
          {conversation.messages.map((t, i) => (
            <TurnView key={i} turn={t} />
          ))}
          {conversation.answer.map((t, i) => (
            <TurnView key={`a${i}`} turn={t} answer />
          ))}
          {conversation.error ? (
            <p className="state-error" data-testid="conversation-error">
              Error: {conversation.error}
            </p>
          ) : null}
          {conversation.answer.length === 0 && !conversation.error ? <p className="muted">No answer was stored.</p> : null}
        </>
      )}
      {curl ? (
        <details>
          <summary>curl command</summary>
          <pre className="code-block" data-testid="curl-command">
            {curl}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
