-- Pandoc-filter van de ingebouwde renderer van evaluatie.
-- 1. Callouts (::: {.callout-note} ...) worden een opgemaakt blok in HTML en Typst,
--    met de Nederlandse titels die Quarto bij lang: nl gebruikt.
-- 2. Kolommen van tabellen die alleen getallen bevatten en geen expliciete uitlijning
--    hebben, worden rechts uitgelijnd.
-- 3. Kolombreedtes van pipetabellen volgen de inhoud (browser en Typst kiezen ze), niet
--    het aantal streepjes in de scheidingsregel: anders krijgt elke kolom van een tabel met
--    een lange regel dezelfde breedte en loopt een naam over vijf regels naast een lege kolom.

local callout_titels = {
  note = "Opmerking",
  tip = "Tip",
  important = "Belangrijk",
  warning = "Waarschuwing",
  caution = "Let op",
}

local function callout_soort(div)
  for _, klasse in ipairs(div.classes) do
    local soort = klasse:match("^callout%-(%a+)$")
    if soort and callout_titels[soort] then
      return soort
    end
  end
  return nil
end

function Div(div)
  local soort = callout_soort(div)
  if not soort then
    return nil
  end
  local inhoud = div.content
  local titel = nil
  if div.attributes["title"] then
    titel = pandoc.read(div.attributes["title"], "markdown").blocks
    titel = titel[1] and titel[1].content or pandoc.Inlines({})
  elseif #inhoud > 0 and inhoud[1].t == "Header" then
    titel = inhoud[1].content
    inhoud = pandoc.Blocks({ table.unpack(inhoud, 2) })
  else
    titel = pandoc.Inlines({ pandoc.Str(callout_titels[soort]) })
  end

  if FORMAT:match("typst") then
    local titel_typst = pandoc.write(pandoc.Pandoc({ pandoc.Plain(titel) }), "typst")
    titel_typst = titel_typst:gsub("%s+$", "")
    local blokken = pandoc.Blocks({
      pandoc.RawBlock("typst", '#callout(soort: "' .. soort .. '", titel: [' .. titel_typst .. "])["),
    })
    blokken:extend(inhoud)
    blokken:insert(pandoc.RawBlock("typst", "]"))
    return blokken
  end

  return pandoc.Div({
    pandoc.Div({ pandoc.Plain(titel) }, pandoc.Attr("", { "callout-titel" })),
    pandoc.Div(inhoud, pandoc.Attr("", { "callout-inhoud" })),
  }, pandoc.Attr(div.identifier, { "callout", "callout-" .. soort }))
end

local function is_getal(tekst)
  tekst = tekst:gsub("%s", "")
  if tekst == "" or tekst == "-" or tekst == "–" or tekst == "—" then
    return nil -- leeg of ontbrekend: telt niet mee
  end
  if not tekst:match("%d") then
    return false
  end
  -- Alleen cijfers, decimaaltekens, procent, haakjes, tekens, scheidingstekens, euro.
  local rest = tekst:gsub("[%d%.,%%%(%)%[%];:<>=+%-]", "")
  rest = rest:gsub("−", ""):gsub("–", ""):gsub("€", ""):gsub("≤", ""):gsub("≥", "")
  return rest == ""
end

function Table(tbl)
  local ncol = #tbl.colspecs
  for k = 1, ncol do
    if tbl.colspecs[k][1] == "AlignDefault" then
      local aantal_getallen, anders = 0, false
      for _, body in ipairs(tbl.bodies) do
        for _, rij in ipairs(body.body) do
          local cel = rij.cells[k]
          if cel then
            local oordeel = is_getal(pandoc.utils.stringify(cel.contents))
            if oordeel == true then
              aantal_getallen = aantal_getallen + 1
            elseif oordeel == false then
              anders = true
            end
          end
        end
      end
      if aantal_getallen > 0 and not anders then
        tbl.colspecs[k] = { "AlignRight", tbl.colspecs[k][2] }
      end
    end
  end
  for k = 1, ncol do
    tbl.colspecs[k] = { tbl.colspecs[k][1], "ColWidthDefault" }
  end
  return tbl
end

-- 4. <br> in een tabelcel (een pipetabel kent geen regeleinde) wordt een echt regeleinde,
--    ook in de PDF (Typst negeert ruwe HTML).
function RawInline(el)
  if el.format == "html" and el.text:match("^<br%s*/?>$") then
    return pandoc.LineBreak()
  end
  return nil
end
