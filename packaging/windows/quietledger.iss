; Inno Setup script: a per-user installer for the folder that
; `pyinstaller packaging/quietledger.spec` leaves in dist\QuietLedger.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\quietledger.iss
;       -> dist\QuietLedger-0.1.0-setup.exe
;
; It needs no administrator rights: the app goes to %LOCALAPPDATA%\Programs\Quiet Ledger,
; with a Start-menu entry. The practice files live in %LOCALAPPDATA%\QuietLedger, a
; folder this installer never names, so neither it nor the uninstaller touches them.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C1F3E2A-4B7D-4E8C-9A51-2F0D8B6C7E34}
AppName=Quiet Ledger
AppVersion={#AppVersion}
AppVerName=Quiet Ledger {#AppVersion}
AppPublisher=Quiet Ledger
DefaultDirName={autopf}\Quiet Ledger
DefaultGroupName=Quiet Ledger
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64
ArchitecturesInstallIn64BitMode=x64
OutputDir=..\..\dist
OutputBaseFilename=QuietLedger-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\quietledger.ico
UninstallDisplayIcon={app}\QuietLedger.exe
UninstallDisplayName=Quiet Ledger
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; Only the application folder: the uninstaller removes exactly what was installed here.
Source: "..\..\dist\QuietLedger\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Quiet Ledger"; Filename: "{app}\QuietLedger.exe"; Comment: "Offline, encrypted bookkeeping for private-pay psychotherapists"
Name: "{autodesktop}\Quiet Ledger"; Filename: "{app}\QuietLedger.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\QuietLedger.exe"; Description: "{cm:LaunchProgram,Quiet Ledger}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Code] that deletes: practice files, their key files and
; backups stay in %LOCALAPPDATA%\QuietLedger after an uninstall.
