class StickyHeader extends HTMLElement {}
customElements.define("sticky-header", StickyHeader);
