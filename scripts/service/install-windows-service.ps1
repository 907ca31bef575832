# Installs market-gateway as a Windows service with NSSM (https://nssm.cc), which restarts it on failure
# and sends Ctrl+C on stop so the gateway shuts down gracefully (bots get status shutting_down).
# Run in an elevated PowerShell from the repository root after `npm ci`.
param(
  [string]$ServiceName = "market-gateway",
  [string]$ConfigPath = "$PSScriptRoot\..\..\config\example.json",
  [string]$Nssm = "nssm.exe"
)
$ErrorActionPreference = "Stop"
$root = (Resolve-Path "$PSScriptRoot\..\..").Path
$node = (Get-Command node.exe).Source
& $Nssm install $ServiceName $node "--import" "tsx" "src/main.ts" "--config" (Resolve-Path $ConfigPath).Path
& $Nssm set $ServiceName AppDirectory $root
# Start-up errors (a bad config exits 2 before the logger exists) land here instead of being lost.
New-Item -ItemType Directory -Force -Path "$root\logs" | Out-Null
& $Nssm set $ServiceName AppStdout "$root\logs\service-stdout.log"
& $Nssm set $ServiceName AppStderr "$root\logs\service-stderr.log"
& $Nssm set $ServiceName AppRotateFiles 1
& $Nssm set $ServiceName AppRotateBytes 10485760
& $Nssm set $ServiceName AppStopMethodConsole 5000
& $Nssm set $ServiceName AppExit Default Restart
# Exit code 2 = bad configuration: restarting cannot fix it.
& $Nssm set $ServiceName AppExit 2 Exit
& $Nssm set $ServiceName AppRestartDelay 2000
& $Nssm set $ServiceName Start SERVICE_AUTO_START
& $Nssm start $ServiceName
Write-Host "market-gateway installed; logs go to D:\market-gateway\logs (or .\logs if D: is absent)."
