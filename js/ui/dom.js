// A short way to build DOM nodes. Text is always set as text (never parsed as HTML), so strings
// from Python or the user can go straight in.
//
//   el('span', 'chip bos', 'BOS')                    // tag, class names, text
//   el('div', { className: 'row', title: 'why' }, [child, 'text', other])
export function el(tag, props, content) {
  const node = document.createElement(tag);
  if (typeof props === 'string') node.className = props;
  else if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key === 'className' || key === 'textContent' || key === 'title' || key === 'type' || key === 'hidden') node[key] = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  if (content == null) return node;
  if (Array.isArray(content)) node.append(...content.filter((c) => c != null && c !== false));
  else node.append(content instanceof Node ? content : String(content));
  return node;
}
