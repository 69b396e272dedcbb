// The fleet page and a board's page: plain browser JavaScript over the streams HTTP API's JSON, polled every few
// seconds. No build step; the only library is uPlot, served from its WebJar by the same API.
"use strict";
const Flatline = (() => {
  const POLL_MS = 2000;
  // One colour per output class; the board's line solid, the reference's dashed.
  const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

  async function get(path) {
    const response = await fetch(path, {cache: "no-store"});
    const body = await response.json();
    if (!response.ok) {
      throw new Error(path + ": " + (body.error || response.status));
    }
    return body;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v !== undefined && v !== null) node.setAttribute(k, v);
    });
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  const percent = x => x === null || x === undefined ? "–" : (100 * x).toFixed(1) + "%";
  const time = iso => new Date(iso).toLocaleTimeString();
  const device = id => "/devices/" + encodeURIComponent(id);

  function badge(diagnosis) {
    return el("span", {class: "diagnosis " + diagnosis.toLowerCase(), "data-diagnosis": diagnosis}, diagnosis);
  }

  /** One open root cause: its diagnosis, the alarm to act on, how many others it raised, whether it comes back. */
  function cause(episode) {
    const others = episode.alerts.length - 1;
    return el("div", {class: "cause"}, badge(episode.diagnosis), " ", episode.alerts[0],
        others > 0 ? " +" + others : "", episode.intermittent ? el("span", {class: "intermittent"},
            " intermittent (back " + episode.returns + "×)") : "");
  }

  function showModel(model) {
    document.getElementById("model").textContent = "model " + model.file + " (" + model.modelId.substring(0, 12)
        + "), " + model.timeSteps + "×" + model.channels + " window, classes " + model.labels.join(", ");
  }

  /** Runs refresh now and every few seconds; says when it last worked, or why not. */
  function poll(refresh) {
    const status = document.getElementById("status");
    const once = async () => {
      try {
        await refresh();
        status.textContent = "updated " + new Date().toLocaleTimeString();
        status.className = "status";
      } catch (e) {
        status.textContent = "not updated: " + e.message;
        status.className = "status error";
      }
    };
    once();
    setInterval(once, POLL_MS);
  }

  function fleetPage() {
    get("/model").then(showModel).catch(() => {});
    poll(async () => {
      const [devices, fleet] = await Promise.all([get("/devices"), get("/fleet")]);
      document.getElementById("summary").replaceChildren(
          el("span", {class: "count"}, fleet.devices + " boards"),
          el("span", {class: "count" + (fleet.rootCauses ? " bad" : "")}, fleet.rootCauses + " root cause"
              + (fleet.rootCauses === 1 ? "" : "s") + " open on " + fleet.devicesWithOpenAlerts + " boards"),
          ...Object.entries(fleet.diagnoses).map(([d, n]) => el("span", {class: "count"}, badge(d), " " + n)));
      document.querySelector("#fleet tbody").replaceChildren(...devices.map(d => el("tr",
          {"data-device": d.deviceId, class: d.episodes.length ? "faulty" : "ok"},
          el("td", {}, el("a", {href: "/board?id=" + encodeURIComponent(d.deviceId)}, d.deviceId)),
          el("td", {}, d.label || "–"),
          el("td", {class: "num"}, percent(d.exactMatchRate)),
          el("td", {class: "num"}, percent(d.top1AgreementRate)),
          el("td", {class: "num"}, d.comparedWindows),
          el("td", {}, d.lastSeq === undefined ? "–" : "#" + d.lastSeq + " at " + time(d.updated)),
          el("td", {}, d.episodes.length ? d.episodes.map(cause) : el("span", {class: "fine"}, "ok")))));
    });
  }

  function boardPage(id) {
    document.getElementById("board").textContent = id;
    document.title = "Flatline — " + id;
    let plot = null;
    let model = null;
    poll(async () => {
      model = model || await get("/model").then(m => (showModel(m), m));
      const [detail, outputs, history] = await Promise.all([get(device(id)), get(device(id) + "/outputs"),
        get(device(id) + "/alarms")]);
      showCauses(detail);
      showAgreement(detail);
      plot = showOutputs(outputs, plot);
      showHistory(history);
      const saturated = detail.alarms.some(a => a.diagnosis === "MODEL_SATURATION");
      document.getElementById("layers-section").hidden = !saturated;
      if (saturated) {
        showLayers(await get(device(id) + "/layers"));
      }
    });
  }

  function showCauses(d) {
    const open = d.alarms;
    document.getElementById("causes").replaceChildren(
        el("div", {class: "facts"}, "label ", el("b", {}, d.label || "–"), " · last reading #" + d.lastSeq + " at "
            + time(d.updated)),
        open.length === 0 ? el("p", {class: "fine", id: "verdict"}, "No open alarm: the board agrees with the reference.")
            : el("div", {id: "verdict"}, ...open.filter(a => a.firstOut).map(a => el("div", {class: "rootcause"},
                badge(a.diagnosis), el("b", {}, " " + a.source + "/" + a.kind), " (" + a.severity + ", episode "
                + a.episodeId + (a.returns ? ", came back " + a.returns + "×" : "") + ")",
                el("p", {class: "evidence"}, a.evidence),
                ...open.filter(o => !o.firstOut && o.episodeId === a.episodeId).map(o => el("div",
                    {class: "consequence"}, "also raised: " + o.source + "/" + o.kind + " — " + o.evidence))))));
  }

  function showAgreement(d) {
    const rows = [["compared windows", d.comparedWindows]];
    const a = d.board && d.board.agreement;
    if (a) {
      rows.push(["exact match (last " + a.windows + ")", percent(a.exactMatchRate)],
          ["top-1 agreement", percent(a.top1AgreementRate)], ["largest difference", a.maxAbsDiffLsb === undefined
            ? "–" : a.maxAbsDiffLsb + " LSB"], ["join misses", d.board.joinMisses],
          ["waiting for their window", d.board.pendingInferences]);
      Object.entries(a.validation || {}).forEach(([k, v]) => rows.push([k + " (ST Edge AI validation)",
        Number.isFinite(v) ? v.toFixed(4) : String(v)]));
    }
    document.querySelector("#agreement tbody").replaceChildren(...rows.map(([k, v]) => el("tr", {},
        el("th", {}, k), el("td", {class: "num"}, v))));
  }

  /** The board's and the reference's raw outputs, per class, over the latest comparisons. */
  function showOutputs(o, plot) {
    const n = o.board.length;
    const x = Array.from({length: n}, (_, i) => o.first + i);
    const data = [x];
    const series = [{label: "comparison"}];
    o.labels.forEach((label, c) => {
      const colour = COLOURS[c % COLOURS.length];
      data.push(o.board.map(v => v[c]), o.reference.map(v => v[c]));
      series.push({label: label + " (board)", stroke: colour, width: 2},
          {label: label + " (reference)", stroke: colour, width: 1, dash: [5, 4]});
    });
    const host = document.getElementById("outputs");
    host.dataset.comparisons = n;
    if (plot && plot.series.length === series.length) {
      plot.setData(data);
      return plot;
    }
    if (plot) plot.destroy();
    return new uPlot({width: Math.max(480, host.clientWidth || 900), height: 300, series,
      scales: {x: {time: false}}, axes: [{label: "comparison"}, {label: "int8 output"}]}, data, host);
  }

  function showHistory(h) {
    document.querySelector("#history tbody").replaceChildren(...h.alerts.map(a => el("tr",
        {class: a.state.toLowerCase()}, el("td", {}, time(a.timestamp)), el("td", {}, a.state),
        el("td", {}, a.source + "/" + a.kind), el("td", {}, a.severity), el("td", {}, badge(a.diagnosis)),
        el("td", {}, a.firstOut ? "act on this" : "same cause"), el("td", {class: "evidence"}, a.evidence))));
    if (h.alerts.length === 0) {
      document.querySelector("#history tbody").append(el("tr", {}, el("td", {colspan: 7}, "no alarm yet")));
    }
  }

  /** Levels used and zero fraction per layer over the windows traced so far; the layer where variation dies. */
  function showLayers(p) {
    const dies = p.variationDiesAt;
    document.getElementById("dies").replaceChildren(dies
        ? el("span", {id: "dies-at", "data-layer": dies.name}, "The difference between the windows ending at #"
            + dies.fromWindowEndSeq + " and #" + dies.toWindowEndSeq + " dies at ", el("b", {}, dies.name),
            ": past it, the model gives the same output for different inputs.")
        : p.windows.length < 2 ? "Tracing the model on the next windows…"
            : "The difference between the last two windows reaches the output.");
    const windows = p.windows;
    document.querySelector("#layers thead").replaceChildren(el("tr", {}, el("th", {}, "layer"),
        ...windows.map(w => el("th", {}, "window #" + w.windowEndSeq))));
    const names = windows.length ? windows[windows.length - 1].layers.map(l => l.name) : [];
    document.querySelector("#layers tbody").replaceChildren(...names.map((name, i) => el("tr",
        {class: dies && dies.layer === i ? "dies" : ""}, el("th", {}, name),
        ...windows.map(w => {
          const l = w.layers[i];
          if (!l || !l.int8) return el("td", {}, "float");
          // The cell fills as much of its width as the layer uses of the 256 int8 levels.
          const used = Math.round(100 * l.levelsUsed / 256);
          return el("td", {class: "use", style: "background: linear-gradient(to right, #ddf4ff " + used + "%, transparent "
              + used + "%)"}, l.levelsUsed + " levels, " + Math.round(100 * l.zeroFraction) + "% zero");
        }))));
  }

  return {fleetPage, boardPage};
})();
