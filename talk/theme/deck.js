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

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", addFooter, false);
    } else {
        addFooter();
    }
})(document, window);
