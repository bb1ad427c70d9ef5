/* Projector theme, part two (loaded by the `:js-header:` field of
   talk/index.rst, so it runs before impress.js starts).

   1. Full-screen on any projector: impress.js never scales a step above
      its 1024x768 design size unless #impress has data-max-scale, which
      hovercraft cannot set. The attribute is added as soon as the parser
      creates #impress, before impress.js reads it, so a 1920x1080 screen
      shows the deck 1.4 times larger instead of small in the middle.

   2. Reduced motion: when the system asks for it (prefers-reduced-motion,
      which decktape's PDF export sets too), the deck moves from step to
      step at once: no 300 ms transition, and a window resize rescales the
      deck at once instead of after impress.js's 250 ms throttle and
      500 ms transition. projector.css stops the CSS transitions.

   3. A footer: the talk's title, the current section and the slide number
      as "n / N". The section is the first heading of the last step with
      the class `section-start` at or before the current step, up to its
      first colon ("2. Flask is made for tinkering: its architecture..."
      shows as "2. Flask is made for tinkering"); steps before the first
      section show none. hovercraft's own counter (#slide-number, from
      --slide-numbers) is moved into the footer; CSS adds " / N" from its
      data-total attribute.

   4. Navigation: Right, Space or PageDown on the last step stay there
      (impress.js's own `stop` class), and Left or PageUp on the first;
      Home and End go to the first and the last step, in the deck and in
      the presenter console.

   5. A talk clock in the presenter console (P): the time left of the
      talk's minutes, and how far ahead or behind the plan you are in the
      current section. The plan is window.talkPlan (generated/talk-plan.js,
      which the slides build writes from proposal.md's outline and loads
      before this file): {minutes, sections: [{number, title, minutes,
      start, first_step}]}, minutes as numbers, first_step 0-based. Within
      a section the plan moves evenly from step to step; within 30 s of it
      shows as "on plan". The clock counts
      from when the console opened, as its timer does (R in the console
      restarts both). Without a plan the console is as impress.js makes it.

   Works from file:// with no network. */
(function (document, window) {
    "use strict";

    var MAX_SCALE = "8";

    function allowUpscaling(root) {
        if (!root.hasAttribute("data-max-scale")) {
            root.setAttribute("data-max-scale", MAX_SCALE);
        }
    }

    var reducedMotion = window.matchMedia &&
        window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    function setUp(root) {
        allowUpscaling(root);
        if (reducedMotion) {
            root.setAttribute("data-transition-duration", "0");
        }
    }

    if (reducedMotion) {
        window.addEventListener("resize", function () {
            var active = document.querySelector("#impress .step.active");
            if (active && typeof window.impress === "function") {
                window.impress().goto(active, 0);
            }
        }, false);
    }

    var early = document.getElementById("impress");
    if (early) {
        setUp(early);   // loaded late: impress may already run at 1x
    } else if (window.MutationObserver) {
        // Mutation callbacks run before the parser runs the next script,
        // so this lands before impress().init() in hovercraft.js.
        var observer = new MutationObserver(function () {
            var root = document.getElementById("impress");
            if (root) {
                setUp(root);
                observer.disconnect();
            }
        });
        observer.observe(document.documentElement, {childList: true, subtree: true});
    }

    function headingText(step) {
        var heading = step.querySelector("h1, h2");
        return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    }

    function addFooter() {
        var root = document.getElementById("impress");
        if (!root || document.getElementById("deck-footer")) {
            return;
        }
        var steps = Array.prototype.slice.call(root.querySelectorAll(".step"));

        // Section title for every step, by position in the deck.
        var sections = [];
        var current = "";
        steps.forEach(function (step) {
            if (step.classList.contains("section-start")) {
                current = headingText(step).split(":")[0].trim();
            }
            sections.push(current);
        });

        var footer = document.createElement("div");
        footer.id = "deck-footer";
        footer.setAttribute("aria-hidden", "true");

        var title = document.createElement("span");
        title.className = "deck-title";
        title.textContent = document.title;
        footer.appendChild(title);

        var section = document.createElement("span");
        section.className = "deck-section";
        footer.appendChild(section);

        var number = document.getElementById("slide-number");
        if (!number) {
            number = document.createElement("div");
            number.id = "slide-number";
        }
        number.setAttribute("data-total", String(steps.length));
        footer.appendChild(number);
        document.body.appendChild(footer);

        function show(step) {
            var index = steps.indexOf(step);
            if (index < 0) {
                return;
            }
            section.textContent = sections[index];
            footer.setAttribute("data-step", String(index + 1));
            number.textContent = String(index + 1);
        }

        root.addEventListener("impress:stepenter", function (event) {
            show(event.target);
        }, false);
        show(root.querySelector(".step.active") || steps[0]);
    }

    var api = null;
    var steps = [];

    function onHomeEnd(doc) {
        function homeOrEnd(event) {
            return (event.key === "Home" || event.key === "End") && !event.altKey &&
                !event.ctrlKey && !event.metaKey && !event.shiftKey;
        }
        doc.addEventListener("keydown", function (event) {
            if (homeOrEnd(event)) {
                event.preventDefault();
            }
        }, false);
        doc.addEventListener("keyup", function (event) {
            if (homeOrEnd(event) && api) {
                event.preventDefault();
                api.goto(event.key === "Home" ? steps[0] : steps[steps.length - 1]);
            }
        }, false);
    }

    document.addEventListener("impress:init", function (event) {
        api = event.detail.api;
        steps = Array.prototype.slice.call(event.target.querySelectorAll(".step"));
        if (steps.length) {
            steps[steps.length - 1].classList.add("stop");
        }
        window.impress.addPreStepLeavePlugin(function (leave) {
            if (leave.detail.reason === "prev" && leave.target === steps[0]) {
                return false;
            }
        }, 2);
        onHomeEnd(document);
    }, false);

    function minutesAndSeconds(seconds) {
        var whole = Math.round(Math.abs(seconds));
        var rest = whole % 60;
        return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
    }

    // "27:30 left · section 2: 1:05 behind" after *elapsed* seconds at the
    // step *index* (0-based) of *total*.
    function talkClock(plan, elapsed, index, total) {
        var left = plan.minutes * 60 - elapsed;
        var text = minutesAndSeconds(left) + (left >= 0 ? " left" : " over");
        var sections = plan.sections || [];
        var at = -1;
        sections.forEach(function (section, number) {
            if (section.first_step <= index) {
                at = number;
            }
        });
        if (at < 0) {
            return text;
        }
        var section = sections[at];
        var end = at + 1 < sections.length ? sections[at + 1].first_step : total;
        var planned = 60 * (section.start + section.minutes *
            (index - section.first_step) / Math.max(end - section.first_step, 1));
        var late = elapsed - planned;
        var state = Math.abs(late) < 30 ? "on plan" :
            minutesAndSeconds(late) + (late > 0 ? " behind" : " ahead");
        return text + " \u00b7 section " + section.number + ": " + state;
    }

    function showClockIn(consoleWindow) {
        var controls = consoleWindow.document.getElementById("controls");
        if (!controls || !window.talkPlan) {
            return;
        }
        var clock = consoleWindow.document.createElement("div");
        clock.id = "talk-clock";
        clock.style.cssText = "float: left; margin: 0 2em; font-weight: bold";
        controls.appendChild(clock);
        function tick() {
            if (consoleWindow.closed) {
                window.clearInterval(ticking);
                return;
            }
            var active = document.querySelector("#impress .step.active");
            clock.textContent = talkClock(window.talkPlan,
                (Date.now() - consoleWindow.timerStart) / 1000,
                Math.max(steps.indexOf(active), 0), steps.length);
        }
        var ticking = window.setInterval(tick, 1000);
        document.addEventListener("impress:stepenter", tick, false);
        tick();
    }

    // impress.js's console plugin opens its window as "impressConsole" and
    // writes it at once: add Home, End and the clock just after.
    var openWindow = window.open;
    window.open = function (url, name) {
        var opened = openWindow.apply(window, arguments);
        if (opened && name === "impressConsole") {
            window.setTimeout(function () {
                onHomeEnd(opened.document);
                showClockIn(opened);
            }, 0);
        }
        return opened;
    };

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", addFooter, false);
    } else {
        addFooter();
    }
})(document, window);
