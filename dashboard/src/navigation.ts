import { h } from "./dom.ts";
import { pathOf, routeOf, type View } from "./route.ts";

/**
 * Keeps the shown view and the address bar in step: a link or `go` pushes the view's path, back
 * and forward (`popstate`) show the path's view again, and a page opened at any path (a link from a
 * notification) starts on its view.
 */
export class Navigation {
  readonly #onChange: (view: View) => void;
  #view: View;

  constructor(onChange: (view: View) => void) {
    this.#onChange = onChange;
    this.#view = routeOf(location.pathname);
    window.addEventListener("popstate", () => this.#show(routeOf(location.pathname)));
  }

  get view(): View {
    return this.#view;
  }

  /** Shows the view it starts on; separate from the constructor so views can be built first. */
  start(): void {
    this.#show(this.#view);
  }

  go(view: View): void {
    const path = pathOf(view);
    if (path !== location.pathname) history.pushState(null, "", path);
    this.#show(view);
    window.scrollTo(0, 0);
  }

  /** A real link (it opens in a new tab, it can be copied) that, clicked plainly, navigates in place. */
  link(view: View, attributes: Record<string, string>, ...children: (Node | string)[]): HTMLAnchorElement {
    const anchor = h("a", { ...attributes, href: pathOf(view) }, ...children);
    anchor.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      this.go(view);
    });
    return anchor;
  }

  #show(view: View): void {
    this.#view = view;
    this.#onChange(view);
  }
}
