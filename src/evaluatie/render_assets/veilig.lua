-- Pandoc-filter van evaluatie: laatste verdediging tegen opmaak die van buiten komt.
-- Tekst uit de configuratie en de data wordt al letterlijk gemaakt (evaluatie.veilig.md);
-- wat toch als opmaak doorkomt, wordt hier onschadelijk tekst:
-- 1. ruwe HTML, Typst en LaTeX worden gewone tekst, behalve <br> in tabelcellen,
--    HTML-commentaar (weggelaten) en het pagina-einde van het eindrapport;
-- 2. een link buiten het document (alles behalve #anker) wordt zijn tekst;
-- 3. een afbeelding die geen relatief pad in de werkmap is (http:, data:, /pad, ..),
--    wordt haar alt-tekst: een rapport haalt nooit iets van buiten;
-- 4. elementen houden alleen id, klassen en een vaste lijst attributen (geen onclick, style).
-- Het draait vóór evaluatie.lua, dat zelf nog Typst-opmaak voor callouts maakt.

local function is_br(tekst)
  return tekst:lower():gsub("%s", "") == "<br>" or tekst:lower():gsub("%s", "") == "<br/>"
end

local function is_commentaar(tekst)
  return tekst:match("^%s*<!%-%-.-%-%->%s*$") ~= nil
end

local TOEGESTANE_ATTRIBUTEN = { title = true, alt = true, width = true, height = true, lang = true }

local function schoon(el)
  local weg = {}
  for k, _ in pairs(el.attributes) do
    if not TOEGESTANE_ATTRIBUTEN[k:lower()] then
      table.insert(weg, k)
    end
  end
  if #weg == 0 then
    return nil
  end
  for _, k in ipairs(weg) do
    el.attributes[k] = nil
  end
  return el
end

local TOEGESTANE_TYPST = {
  ["#pagebreak(weak: true)"] = true,
}

function RawInline(el)
  if el.format == "html" and (is_br(el.text) or is_commentaar(el.text)) then
    return nil
  end
  return pandoc.Str(el.text)
end

function RawBlock(el)
  if el.format == "html" and is_commentaar(el.text) then
    return {}
  end
  if el.format == "typst" and TOEGESTANE_TYPST[el.text:match("^%s*(.-)%s*$")] then
    return nil
  end
  return pandoc.Para({ pandoc.Str(el.text) })
end

function Link(el)
  if el.target:sub(1, 1) == "#" then
    return nil
  end
  return el.content
end

function Image(el)
  local src = el.src
  if src:match("^%a[%w+.-]*:") or src:sub(1, 1) == "/" or src:sub(1, 1) == "\\"
      or src:find("..", 1, true) then
    return el.caption
  end
  return schoon(el)
end

Div = schoon
Span = schoon
Header = schoon
Code = schoon
CodeBlock = schoon
Table = schoon
