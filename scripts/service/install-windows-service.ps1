# Installs market-gateway as a Windows service with WinSW, the service wrapper shipped inside the npm package
# node-windows (WinSW 1.17, fetched with npm, nothing else to download). The service runs the compiled daemon with node.exe
# directly (no npm, no TypeScript loader), starts with Windows, restarts 2 s after a failure, and is stopped with
# Ctrl+C so the gateway shuts down gracefully (bots get status shutting_down).
# Run in an elevated PowerShell from the repository root after `npm ci` (which compiles dist\).
param(
  [string]$ServiceName = "market-gateway",
  [string]$ConfigPath = "$PSScriptRoot\..\..\config\windows.example.json",
  [string]$LogDir = "D:\market-gateway\logs",
  [string]$ServiceDir = "$env:ProgramData\market-gateway",
  [string]$WinswPackage = "node-windows@1.0.0-beta.8"
)
$ErrorActionPreference = "Stop"
$root = (Resolve-Path "$PSScriptRoot\..\..").Path
$node = (Get-Command node.exe).Source
$config = (Resolve-Path $ConfigPath).Path
$main = Join-Path $root "dist\main.js"
if (-not (Test-Path $main)) { throw "$main is missing: run npm ci (or npm run build) in $root first" }
if (-not (Test-Path "D:\") -and $LogDir -like "D:\*") { $LogDir = Join-Path $root "logs" }
New-Item -ItemType Directory -Force -Path $LogDir | Out-Null

# WinSW: <ServiceDir>\<ServiceName>.exe next to <ServiceName>.xml (outside the checkout: `npm ci` rebuilds dist\).
$serviceDir = $ServiceDir
New-Item -ItemType Directory -Force -Path $serviceDir | Out-Null
Push-Location $serviceDir
try {
  $tarball = (& npm pack $WinswPackage --silent | Select-Object -Last 1).Trim()
  & tar.exe -xzf $tarball package/bin/winsw/winsw.exe
  Copy-Item "package\bin\winsw\winsw.exe" (Join-Path $serviceDir "$ServiceName.exe") -Force
  Remove-Item -Recurse -Force "package", $tarball
} finally { Pop-Location }

$xml = @"
<service>
  <id>$ServiceName</id>
  <name>$ServiceName</name>
  <description>market-gateway: verified exchange market data for local trading bots</description>
  <executable>$node</executable>
  <arguments>"$main" --config "$config"</arguments>
  <workingdirectory>$root</workingdirectory>
  <startmode>Automatic</startmode>
  <onfailure action="restart" delay="2 sec"/>
  <onfailure action="restart" delay="10 sec"/>
  <onfailure action="restart" delay="60 sec"/>
  <resetfailure>1 hour</resetfailure>
  <stoptimeout>10 sec</stoptimeout>
  <env name="NODE_ENV" value="production"/>
  <logpath>$LogDir</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
</service>
"@
Set-Content -Path (Join-Path $serviceDir "$ServiceName.xml") -Value $xml -Encoding UTF8
& (Join-Path $serviceDir "$ServiceName.exe") install
& (Join-Path $serviceDir "$ServiceName.exe") start
Write-Host "$ServiceName installed: node $main --config $config; logs in $LogDir"
