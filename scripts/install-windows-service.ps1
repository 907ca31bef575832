# Installs market-gateway as a Windows service with NSSM (https://nssm.cc), which restarts it on failure
# and sends Ctrl+C on stop so the gateway shuts down gracefully (bots get status shutting_down).
# Run in an elevated PowerShell from the repository root after `npm ci`.
param(
  [string]$ServiceName = "market-gateway",
  [string]$ConfigPath = "$PSScriptRoot\..\config\example.json",
  [string]$Nssm = "nssm.exe"
)
$ErrorActionPreference = "Stop"
$root = (Resolve-Path "$PSScriptRoot\..").Path
$node = (Get-Command node.exe).Source
& $Nssm install $ServiceName $node "--import" "tsx" "src/main.ts" "--config" (Resolve-Path $ConfigPath).Path
& $Nssm set $ServiceName AppDirectory $root
& $Nssm set $ServiceName AppStopMethodConsole 5000
& $Nssm set $ServiceName AppExit Default Restart
& $Nssm set $ServiceName AppRestartDelay 2000
& $Nssm set $ServiceName Start SERVICE_AUTO_START
& $Nssm start $ServiceName
Write-Host "market-gateway installed; logs go to D:\market-gateway\logs (or .\logs if D: is absent)."
