<#
.SYNOPSIS
    Turns PlatyPS-format markdown help into MAML, like PlatyPS's New-ExternalHelp.

.DESCRIPTION
    build.ps1 uses this when PlatyPS is not installed. Each <Cmdlet>.md in -Path becomes one
    command in the MAML file named by its front matter ("external help file", default
    <Module>.dll-Help.xml); each about_*.md becomes about_*.help.txt. Files go to -OutputPath.
    Malformed markdown (no title, a parameter without its yaml block) stops the build.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string] $DefaultHelpFile = 'RbdPowerShell.dll-Help.xml'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

# Splits lines into { Title; Lines } at headings of exactly $Level '#', ignoring fenced code.
function Split-Heading([string[]] $Lines, [int] $Level) {
    $marker = ('#' * $Level) + ' '
    $parts = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Title = $null; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $parts.Add($current)
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
        } else {
            $current.Lines.Add($line)
        }
    }
    $parts.Add($current)
    $parts
}

# Removes markdown escapes, emphasis and link syntax from running text; code spans stay as written.
function ConvertFrom-Inline([string] $Text) {
    $parts = [regex]::Split($Text, '((?<!\\)`+.*?`+)')
    $out = foreach ($part in $parts) {
        if ($part.StartsWith('`')) { $part; continue }
        $t = [regex]::Replace($part, '\[([^\]]+)\]\(([^)]*)\)', { param($m) if ($m.Groups[2].Value -match '^https?:') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
        $t = [regex]::Replace($t, '(\*\*|__)(\S(?:.*?\S)?)\1', '$2')
        [regex]::Replace($t, '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1')
    }
    -join $out
}

# Markdown blocks -> paragraph strings: prose lines are joined; a list or code block keeps its lines.
function ConvertTo-Paragraph([string[]] $Lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    $prose = [System.Collections.Generic.List[string]]::new()
    $list = [System.Collections.Generic.List[string]]::new()
    $code = $null
    $flush = {
        if ($prose.Count) { $paras.Add((ConvertFrom-Inline ($prose -join ' '))); $prose.Clear() }
        if ($list.Count) { $paras.Add((($list | ForEach-Object { ConvertFrom-Inline $_ }) -join "`n")); $list.Clear() }
    }
    foreach ($line in $Lines) {
        if ($null -ne $code) {
            if ($line -match '^\s*(```|~~~)') { $paras.Add(($code -join "`n")); $code = $null } else { $code.Add($line) }
        } elseif ($line -match '^\s*(```|~~~)') {
            & $flush; $code = [System.Collections.Generic.List[string]]::new()
        } elseif ($line.Trim() -eq '') {
            & $flush
        } elseif ($line -match '^\s*([-*+]|\d+\.)\s+') {
            if ($prose.Count) { & $flush }
            $list.Add($line.TrimEnd())
        } elseif ($list.Count) {
            $list[$list.Count - 1] += ' ' + $line.Trim()
        } else {
            $prose.Add($line.Trim())
        }
    }
    if ($null -ne $code) { $paras.Add(($code -join "`n")) }
    & $flush
    , $paras.ToArray()
}

function Get-FencedBlock([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)\s*(\S*)') {
            if ($null -eq $current) { $current = [pscustomobject]@{ Lang = $Matches[2]; Lines = [System.Collections.Generic.List[string]]::new() } }
            else { $blocks.Add($current); $current = $null }
        } elseif ($null -ne $current) { $current.Lines.Add($line) }
    }
    $blocks
}

# Lines outside fenced blocks.
function Get-ProseLine([string[]] $Lines) {
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence; continue }
        if (-not $inFence) { $line }
    }
}

function Read-HelpMarkdown([string] $File) {
    $lines = [IO.File]::ReadAllLines($File)
    $front = @{}
    if ($lines.Count -and $lines[0].Trim() -eq '---') {
        $end = 1
        while ($end -lt $lines.Count -and $lines[$end].Trim() -ne '---') { $end++ }
        if ($end -ge $lines.Count) { $end = -1 }
        if ($end -lt 0) { throw "${File}: front matter is not closed by '---'." }
        foreach ($l in $lines[1..($end - 1)]) { if ($l -match '^\s*([^:]+):\s*(.*)$') { $front[$Matches[1].Trim()] = $Matches[2].Trim() } }
        $lines = if ($end + 1 -lt $lines.Count) { $lines[($end + 1)..($lines.Count - 1)] } else { @() }
    }
    $top = @(Split-Heading $lines 1 | Where-Object Title)
    if ($top.Count -ne 1) { throw "${File}: expected exactly one '# <Name>' title." }
    $sections = [ordered]@{}
    foreach ($s in Split-Heading $top[0].Lines 2) { if ($s.Title) { $sections[$s.Title.ToUpperInvariant()] = $s.Lines.ToArray() } }
    [pscustomobject]@{ File = $File; Name = $top[0].Title; Front = $front; Sections = $sections }
}

function Get-Section($Doc, [string] $Name) {
    if ($Doc.Sections.Contains($Name)) { , $Doc.Sections[$Name] } else { , @() }
}

function Read-Parameter($Doc) {
    foreach ($p in Split-Heading (Get-Section $Doc 'PARAMETERS') 3) {
        if (-not $p.Title -or $p.Title -eq 'CommonParameters') { continue }
        $name = $p.Title.TrimStart('-').Trim()
        $yamls = @(Get-FencedBlock $p.Lines | Where-Object Lang -eq 'yaml')
        if (-not $yamls) { throw "$($Doc.File): parameter -$name has no ```yaml block." }
        $sets = foreach ($y in $yamls) {
            $f = @{}
            foreach ($l in $y.Lines) { if ($l -match '^\s*([^:]+):\s*(.*)$') { $f[$Matches[1].Trim()] = $Matches[2].Trim() } }
            $f
        }
        [pscustomobject]@{
            Name        = $name
            Description = ConvertTo-Paragraph @(Get-ProseLine $p.Lines)
            Yaml        = @($sets)
        }
    }
}

function Test-Yes([string] $Value) { $Value -match '^\s*true' }

function Write-Para([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    foreach ($para in $Paras) { $W.WriteElementString('maml', 'para', $ns.maml, $para) }
}

function Write-Parameter([System.Xml.XmlWriter] $W, $Param, [hashtable] $Y, [bool] $InSyntax) {
    $get = { param($k, $d) if ($Y.ContainsKey($k) -and $Y[$k]) { $Y[$k] } else { $d } }
    $type = & $get 'Type' 'Object'
    if ($type -eq 'switch') { $type = 'SwitchParameter' }
    $aliases = & $get 'Aliases' 'none'
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', "$(Test-Yes (& $get 'Required' 'False'))".ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', "$(Test-Yes (& $get 'Accept wildcard characters' 'False'))".ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', (& $get 'Accept pipeline input' 'False'))
    $W.WriteAttributeString('position', (& $get 'Position' 'Named').ToLowerInvariant())
    $W.WriteAttributeString('aliases', $aliases)
    $W.WriteElementString('maml', 'name', $ns.maml, $Param.Name)
    $W.WriteStartElement('maml', 'description', $ns.maml); Write-Para $W $Param.Description; $W.WriteEndElement()
    $accepted = & $get 'Accepted values' ''
    if ($InSyntax -and $accepted) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $accepted -split ',\s*') {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    # Like PlatyPS: no value placeholder for switches in syntax, so Get-Help shows [-Force].
    if (-not $InSyntax -or $type -ne 'SwitchParameter') {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', "$($type -ne 'SwitchParameter')".ToLowerInvariant())
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($type); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $type)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, (& $get 'Default value' 'None'))
    $W.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $W, $Doc, [string] $Section, [string] $Outer, [string] $Inner) {
    $W.WriteStartElement('command', $Outer, $ns.command)
    foreach ($t in Split-Heading (Get-Section $Doc $Section) 3) {
        if (-not $t.Title) { continue }
        $W.WriteStartElement('command', $Inner, $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $t.Title); $W.WriteEndElement()
        $W.WriteStartElement('maml', 'description', $ns.maml); Write-Para $W (ConvertTo-Paragraph $t.Lines); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $W, $Doc) {
    $name = $Doc.Name
    $verb, $noun = $name -split '-', 2
    $params = @(Read-Parameter $Doc)

    $W.WriteStartElement('command', 'command', $ns.command)
    foreach ($p in 'maml', 'dev', 'MSHelp') { $W.WriteAttributeString('xmlns', $p, $null, $ns[$p]) }

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $name)
    $W.WriteElementString('command', 'verb', $ns.command, $verb)
    $W.WriteElementString('command', 'noun', $ns.command, "$noun")
    $W.WriteStartElement('maml', 'description', $ns.maml); Write-Para $W (ConvertTo-Paragraph (Get-Section $Doc 'SYNOPSIS')); $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('maml', 'description', $ns.maml); Write-Para $W (ConvertTo-Paragraph (Get-Section $Doc 'DESCRIPTION')); $W.WriteEndElement()

    # One syntax item per '### Set' under SYNTAX (or one for all), ordered as its syntax line.
    $W.WriteStartElement('command', 'syntax', $ns.command)
    $setParts = @(Split-Heading (Get-Section $Doc 'SYNTAX') 3 | Where-Object Title)
    $syntaxSets = if ($setParts) {
        foreach ($s in $setParts) { [pscustomobject]@{ Name = ($s.Title -replace '\s*\(Default\)\s*$', ''); Line = ((Get-FencedBlock $s.Lines | ForEach-Object { $_.Lines }) -join ' ') } }
    } else {
        [pscustomobject]@{ Name = '(All)'; Line = ((Get-FencedBlock (Get-Section $Doc 'SYNTAX') | ForEach-Object { $_.Lines }) -join ' ') }
    }
    foreach ($set in $syntaxSets) {
        $members = foreach ($p in $params) {
            $y = $p.Yaml | Where-Object {
                $sets = @(("$($_['Parameter Sets'])" -split ',\s*') | Where-Object { $_ })
                $set.Name -eq '(All)' -or -not $sets -or $sets -contains '(All)' -or $sets -contains $set.Name
            } | Select-Object -First 1
            if ($y) {
                $at = [regex]::Match($set.Line, "-$([regex]::Escape($p.Name))\b")
                [pscustomobject]@{ Param = $p; Yaml = $y; Order = if ($at.Success) { $at.Index } else { [int]::MaxValue } }
            }
        }
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $name)
        foreach ($m in @($members) | Sort-Object Order) { Write-Parameter $W $m.Param $m.Yaml $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $params) { Write-Parameter $W $p $p.Yaml[0] $false }
    $W.WriteEndElement()

    Write-TypeList $W $Doc 'INPUTS' 'inputTypes' 'inputType'
    Write-TypeList $W $Doc 'OUTPUTS' 'returnValues' 'returnValue'

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml); Write-Para $W (ConvertTo-Paragraph (Get-Section $Doc 'NOTES')); $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($e in Split-Heading (Get-Section $Doc 'EXAMPLES') 3) {
        if (-not $e.Title) { continue }
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "---------- $($e.Title) ----------")
        $W.WriteElementString('dev', 'code', $ns.dev, ((Get-FencedBlock $e.Lines | ForEach-Object { $_.Lines -join "`n" }) -join "`n`n"))
        $W.WriteStartElement('dev', 'remarks', $ns.dev); Write-Para $W (ConvertTo-Paragraph @(Get-ProseLine $e.Lines)); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = @()
    if ($Doc.Front['online version']) { $links += , @('Online Version:', $Doc.Front['online version']) }
    foreach ($l in Get-Section $Doc 'RELATED LINKS') {
        foreach ($m in [regex]::Matches($l, '\[([^\]]+)\]\(([^)]*)\)')) { $links += , @($m.Groups[1].Value, $m.Groups[2].Value) }
    }
    foreach ($link in $links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $link[0])
        # Local .md links are other commands: Get-Help shows their names, not a file uri.
        $W.WriteElementString('maml', 'uri', $ns.maml, $(if ($link[1] -match '^https?:') { $link[1] } else { '' }))
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

# about_*.md -> the plain text layout Get-Help shows for about topics.
function ConvertTo-AboutText([string] $File) {
    $sb = [System.Text.StringBuilder]::new()
    $inFence = $false
    foreach ($line in [IO.File]::ReadAllLines($File)) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence; continue }
        if ($inFence) { [void]$sb.AppendLine("        $line"); continue }
        if ($line -match '^#\s+(.*)$') { [void]$sb.AppendLine('TOPIC').AppendLine("    $($Matches[1].Trim().ToLowerInvariant())"); continue }
        if ($line -match '^#{2,}\s+(.*)$') { [void]$sb.AppendLine($Matches[1].Trim().ToUpperInvariant()); continue }
        if ($line.Trim() -eq '') { [void]$sb.AppendLine(); continue }
        [void]$sb.AppendLine("    $(ConvertFrom-Inline $line.TrimEnd())")
    }
    $sb.ToString()
}

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$files = @(Get-ChildItem -Path $Path -Filter *.md -File | Sort-Object Name)
$utf8 = [System.Text.UTF8Encoding]::new($false)

foreach ($about in $files | Where-Object Name -like 'about_*') {
    $target = Join-Path $OutputPath ($about.BaseName + '.help.txt')
    [IO.File]::WriteAllText($target, (ConvertTo-AboutText $about.FullName), $utf8)
    Write-Verbose "about: $target"
}

$docs = foreach ($f in $files | Where-Object Name -notlike 'about_*') { Read-HelpMarkdown $f.FullName }
foreach ($group in @($docs) | Where-Object { $_ } | Group-Object { if ($_.Front['external help file']) { $_.Front['external help file'] } else { $DefaultHelpFile } }) {
    $target = Join-Path $OutputPath $group.Name
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = $utf8 }
    $w = [System.Xml.XmlWriter]::Create($target, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($doc in $group.Group) { Write-Command $w $doc }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    } finally { $w.Dispose() }
    Write-Verbose "maml: $target ($($group.Count) commands)"
    Get-Item $target
}
