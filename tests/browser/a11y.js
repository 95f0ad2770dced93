() => {
  const problems = [];
  const lum = (rgb) => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s)); return {rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1}; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c.rgb;
    }
    return [255, 255, 255];
  };
  if (!document.documentElement.lang) problems.push('html sans attribut lang');
  if (!document.title.trim()) problems.push('page sans titre');
  if (!document.querySelector('main')) problems.push('pas de landmark main');
  if (document.querySelectorAll('h1').length !== 1) problems.push('il faut exactement un h1');
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(el => {
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')
      || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.type === 'submit';
    if (!labelled) problems.push(`champ sans étiquette : ${el.name || el.id}`);
  });
  document.querySelectorAll('img').forEach(img => { if (!img.hasAttribute('alt')) problems.push(`image sans alt : ${img.src}`); });
  document.querySelectorAll('table').forEach(t => { if (!t.querySelector('th')) problems.push('tableau sans en-têtes'); });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.offsetParent === null && style.position !== 'fixed') continue;
    const fg = parse(style.color); if (!fg) continue;
    const bg = background(el);
    const l1 = lum(fg.rgb), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize); const bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contraste ${ratio.toFixed(2)} : « ${node.textContent.trim().slice(0, 40)} »`);
  }
  return problems;
}
