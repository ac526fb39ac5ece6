/**
 * Pod Security Standards (baseline and restricted), implemented from the upstream check definitions in
 * k8s.io/pod-security-admission/policy (check_*.go), for Kubernetes 1.34 and later. Every container check visits
 * `containers`, `initContainers` and `ephemeralContainers`. Messages follow upstream: `<reason> (<detail>)`.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { ValidationError } from '../core';
import { podObjects } from './pod-cache';
import { ContainerView, Json, PodView } from './pod-specs';
import { Rule, RuleContext, RulePack, Severity, Violation } from './types';

/** The Pod Security Standards version the checks follow (Kubernetes minor version; 1.34 or later). */
export class PodSecurityVersion {
  /** Kubernetes 1.34 (hostProbesAndHostLifecycle added; no user-namespace relaxation). */
  public static readonly V1_34 = new PodSecurityVersion(34);
  /** Kubernetes 1.35 (`hostUsers: false` relaxes runAsNonRoot, runAsUser and baseline procMount; procMount moves to restricted). */
  public static readonly V1_35 = new PodSecurityVersion(35);
  /** Kubernetes 1.36. */
  public static readonly V1_36 = new PodSecurityVersion(36);
  /** The newest version the checks know (`latest` in PSA labels). */
  public static readonly LATEST = PodSecurityVersion.V1_36;

  /** A version by Kubernetes minor (`1.<minor>`); 34 or later. */
  public static of(minor: number): PodSecurityVersion {
    if (!Number.isInteger(minor) || minor < 34) {
      throw ValidationError.invalidProp('PodSecurityVersion', {
        prop: 'minor', value: minor, allowed: 'an integer >= 34 (Kubernetes 1.34 or later)',
        fix: 'pick the Kubernetes minor version of your oldest cluster, e.g. PodSecurityVersion.of(34).',
      });
    }
    return new PodSecurityVersion(minor);
  }

  private constructor(
    /** Kubernetes minor version. */
    public readonly minor: number,
  ) {}

  /** `v1.<minor>`. */
  public toString(): string {
    return `v1.${this.minor}`;
  }
}

/** Options of the Pod Security packs. */
export interface PodSecurityOptions {
  /**
   * The Pod Security Standards version to check against.
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
   * @default PodSecurityVersion.LATEST
   */
  readonly version?: PodSecurityVersion;
}

interface CheckResult {
  readonly reason: string;
  readonly detail: string;
  readonly path: string;
}

type Check = (view: PodView, minor: number) => CheckResult | undefined;

function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}
function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}
function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}
function sorted(set: Set<string>): string[] {
  return [...set].sort();
}
function sc(c: ContainerView): Json | undefined {
  const s = c.container.securityContext;
  return typeof s === 'object' && s !== null ? s : undefined;
}
function podSc(v: PodView): Json | undefined {
  const s = v.spec.securityContext;
  return typeof s === 'object' && s !== null ? s : undefined;
}
function isWindows(v: PodView): boolean {
  return v.spec.os?.name === 'windows';
}
/** Kubernetes 1.35+: pods in a user namespace (`hostUsers: false`) get the user-namespace relaxation. */
function userNamespaceRelaxed(v: PodView, minor: number): boolean {
  return minor >= 35 && v.spec.hostUsers === false;
}

// ---------------------------------------------------------------- baseline

const hostNamespaces: Check = (v) => {
  const bad: string[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (v.spec[f] === true) bad.push(`${f}=true`);
  if (bad.length === 0) return undefined;
  const first = ['hostNetwork', 'hostPID', 'hostIPC'].find((f) => v.spec[f] === true)!;
  return { reason: 'host namespaces', detail: bad.join(', '), path: v.at(first) };
};

const privileged: Check = (v) => {
  const bad = v.containers.filter((c) => sc(c)?.privileged === true);
  if (bad.length === 0) return undefined;
  return {
    reason: 'privileged',
    detail: `${containersPhrase(bad.map((c) => c.name))} must not set securityContext.privileged=true`,
    path: `${bad[0].at('securityContext')}.privileged`,
  };
};

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const capabilitiesBaseline: Check = (v) => {
  const bad: ContainerView[] = [];
  const caps = new Set<string>();
  for (const c of v.containers) {
    const add = sc(c)?.capabilities?.add;
    let isBad = false;
    if (Array.isArray(add)) {
      for (const cap of add) {
        if (!BASELINE_CAPS.has(String(cap))) {
          caps.add(String(cap));
          isBad = true;
        }
      }
    }
    if (isBad) bad.push(c);
  }
  if (bad.length === 0) return undefined;
  const capList = sorted(caps);
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(bad.map((c) => c.name))} must not include ${joinQuote(capList)} in securityContext.capabilities.add`,
    path: `${bad[0].at('securityContext')}.capabilities.add`,
  };
};

const hostPathVolumes: Check = (v) => {
  const bad = v.volumes.filter((vol) => vol.volume.hostPath !== undefined && vol.volume.hostPath !== null);
  if (bad.length === 0) return undefined;
  return {
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad.map((b) => String(b.volume.name ?? '')))}`,
    path: `${bad[0].path}.hostPath`,
  };
};

const hostPorts: Check = (v) => {
  const bad: ContainerView[] = [];
  const ports: string[] = [];
  let path = '';
  for (const c of v.containers) {
    let isBad = false;
    (Array.isArray(c.container.ports) ? c.container.ports : []).forEach((p: Json, i: number) => {
      if (p && typeof p.hostPort === 'number' && p.hostPort !== 0) {
        ports.push(String(p.hostPort));
        if (!path) path = `${c.at('ports')}[${i}].hostPort`;
        isBad = true;
      }
    });
    if (isBad) bad.push(c);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad.map((c) => c.name))} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')}`,
    path,
  };
};

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HANDLERS = ['httpGet', 'tcpSocket'];

const hostProbesAndLifecycle: Check = (v) => {
  const bad: ContainerView[] = [];
  const hosts = new Set<string>();
  let path = '';
  for (const c of v.containers) {
    let isBad = false;
    const visit = (handlerOwner: Json | undefined, ownerPath: string) => {
      if (!handlerOwner || typeof handlerOwner !== 'object') return;
      for (const h of HANDLERS) {
        const host = handlerOwner[h]?.host;
        if (typeof host === 'string' && host !== '') {
          hosts.add(host);
          if (!path) path = `${ownerPath}.${h}.host`;
          isBad = true;
        }
      }
    };
    for (const p of PROBES) visit(c.container[p], c.at(p));
    for (const l of ['postStart', 'preStop']) visit(c.container.lifecycle?.[l], `${c.at('lifecycle')}.${l}`);
    if (isBad) bad.push(c);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(bad.map((c) => c.name))} ${pluralize('uses', 'use', bad.length)} probe or lifecycle ${pluralize('host', 'hosts', hosts.size)} ${joinQuote(sorted(hosts))}`,
    path,
  };
};

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const appArmorProfile: Check = (v) => {
  const bad: string[] = [];
  let path = '';
  const badType = (p: Json | undefined) => p && typeof p === 'object' && p.type !== undefined && p.type !== 'RuntimeDefault' && p.type !== 'Localhost';
  const podProfile = podSc(v)?.appArmorProfile;
  if (badType(podProfile)) {
    bad.push(`pod must not set securityContext.appArmorProfile.type to "${podProfile.type}"`);
    path = `${v.at('securityContext')}.appArmorProfile.type`;
  }
  const badContainers = v.containers.filter((c) => badType(sc(c)?.appArmorProfile));
  if (badContainers.length > 0) {
    const types = new Set(badContainers.map((c) => String(sc(c)!.appArmorProfile.type)));
    bad.push(`${containersPhrase(badContainers.map((c) => c.name))} must not set securityContext.appArmorProfile.type to ${joinQuote(sorted(types))}`);
    if (!path) path = `${badContainers[0].at('securityContext')}.appArmorProfile.type`;
  }
  const annotations: string[] = [];
  for (const [k, val] of Object.entries(v.annotations)) {
    if (k.startsWith(APPARMOR_PREFIX) && !(val === '' || val === 'runtime/default' || String(val).startsWith('localhost/'))) {
      annotations.push(`${k}=${JSON.stringify(val)}`);
    }
  }
  annotations.sort();
  if (annotations.length > 0 && !path) path = v.object.manifest.kind === 'Pod' ? 'metadata.annotations' : `${v.path.replace(/\.spec$/, '')}.metadata.annotations`;
  const all = [...bad, ...annotations];
  if (all.length === 0) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', all.length),
    detail: all.join(', '),
    path,
  };
};

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

const seLinuxOptions: Check = (v) => {
  const setters: string[] = [];
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  let path = '';
  const valid = (o: Json): boolean => {
    let ok = true;
    if (!SELINUX_TYPES.has(String(o.type ?? ''))) {
      ok = false;
      badTypes.add(String(o.type));
    }
    if (o.user) {
      ok = false;
      setUser = true;
    }
    if (o.role) {
      ok = false;
      setRole = true;
    }
    return ok;
  };
  const podOpts = podSc(v)?.seLinuxOptions;
  if (podOpts && typeof podOpts === 'object' && !valid(podOpts)) {
    setters.push('pod');
    path = `${v.at('securityContext')}.seLinuxOptions`;
  }
  const badContainers = v.containers.filter((c) => {
    const o = sc(c)?.seLinuxOptions;
    return o && typeof o === 'object' && !valid(o);
  });
  if (badContainers.length > 0) {
    setters.push(containersPhrase(badContainers.map((c) => c.name)));
    if (!path) path = `${badContainers[0].at('securityContext')}.seLinuxOptions`;
  }
  if (setters.length === 0) return undefined;
  const data: string[] = [];
  if (badTypes.size > 0) data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sorted(badTypes))}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return {
    reason: 'seLinuxOptions',
    detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    path,
  };
};

const procMountCore = (v: PodView): CheckResult | undefined => {
  const bad = v.containers.filter((c) => {
    const pm = sc(c)?.procMount;
    return pm !== undefined && pm !== null && pm !== 'Default';
  });
  if (bad.length === 0) return undefined;
  const types = new Set(bad.map((c) => String(sc(c)!.procMount)));
  return {
    reason: 'procMount',
    detail: `${containersPhrase(bad.map((c) => c.name))} must not set securityContext.procMount to ${joinQuote(sorted(types))}`,
    path: `${bad[0].at('securityContext')}.procMount`,
  };
};

const procMountBaseline: Check = (v, minor) => (userNamespaceRelaxed(v, minor) ? undefined : procMountCore(v));

const SECCOMP_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);

const seccompBaseline: Check = (v) => {
  const setters: string[] = [];
  const types = new Set<string>();
  let path = '';
  const podType = podSc(v)?.seccompProfile?.type;
  if (podType !== undefined && !SECCOMP_ALLOWED.has(podType)) {
    setters.push('pod');
    types.add(String(podType));
    path = `${v.at('securityContext')}.seccompProfile.type`;
  }
  const bad = v.containers.filter((c) => {
    const t = sc(c)?.seccompProfile?.type;
    if (t !== undefined && !SECCOMP_ALLOWED.has(t)) {
      types.add(String(t));
      return true;
    }
    return false;
  });
  if (bad.length > 0) {
    setters.push(containersPhrase(bad.map((c) => c.name)));
    if (!path) path = `${bad[0].at('securityContext')}.seccompProfile.type`;
  }
  if (setters.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(types))}`,
    path,
  };
};

const SYSCTLS: ReadonlyArray<{ readonly since: number; readonly names: readonly string[] }> = [
  {
    since: 0,
    names: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start'],
  },
  { since: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  { since: 29, names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { since: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

const sysctls: Check = (v, minor) => {
  const allowed = new Set(SYSCTLS.filter((s) => s.since <= minor).flatMap((s) => s.names));
  const list = podSc(v)?.sysctls;
  if (!Array.isArray(list)) return undefined;
  const bad: string[] = [];
  let path = '';
  list.forEach((s: Json, i: number) => {
    if (!allowed.has(String(s?.name))) {
      bad.push(String(s?.name));
      if (!path) path = `${v.at('securityContext')}.sysctls[${i}].name`;
    }
  });
  if (bad.length === 0) return undefined;
  return { reason: 'forbidden sysctls', detail: bad.join(', '), path };
};

const windowsHostProcess: Check = (v) => {
  const setters: string[] = [];
  let path = '';
  if (podSc(v)?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    path = `${v.at('securityContext')}.windowsOptions.hostProcess`;
  }
  const bad = v.containers.filter((c) => sc(c)?.windowsOptions?.hostProcess === true);
  if (bad.length > 0) {
    setters.push(containersPhrase(bad.map((c) => c.name)));
    if (!path) path = `${bad[0].at('securityContext')}.windowsOptions.hostProcess`;
  }
  if (setters.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    path,
  };
};

// ---------------------------------------------------------------- restricted

const ALLOWED_VOLUME_SOURCES = new Set([
  'name', 'configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret', 'csi', 'persistentVolumeClaim', 'ephemeral', 'image',
]);

const restrictedVolumes: Check = (v) => {
  const bad: string[] = [];
  const types = new Set<string>();
  let path = '';
  for (const vol of v.volumes) {
    const forbidden = Object.keys(vol.volume).filter((k) => !ALLOWED_VOLUME_SOURCES.has(k) && vol.volume[k] !== null && vol.volume[k] !== undefined);
    if (forbidden.length > 0) {
      bad.push(String(vol.volume.name ?? ''));
      forbidden.forEach((t) => types.add(t));
      if (!path) path = `${vol.path}.${forbidden[0]}`;
    }
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} restricted volume ${pluralize('type', 'types', types.size)} ${joinQuote(sorted(types))}`,
    path,
  };
};

const allowPrivilegeEscalation: Check = (v) => {
  if (isWindows(v)) return undefined;
  const bad = v.containers.filter((c) => sc(c)?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
    path: `${bad[0].at('securityContext')}.allowPrivilegeEscalation`,
  };
};

const runAsNonRoot: Check = (v, minor) => {
  if (userNamespaceRelaxed(v, minor)) return undefined;
  const setters: string[] = [];
  let podNonRoot = false;
  let path = '';
  const pv = podSc(v)?.runAsNonRoot;
  if (pv === false) {
    setters.push('pod');
    path = `${v.at('securityContext')}.runAsNonRoot`;
  } else if (pv === true) {
    podNonRoot = true;
  }
  const explicit: ContainerView[] = [];
  const implicit: ContainerView[] = [];
  for (const c of v.containers) {
    const cv = sc(c)?.runAsNonRoot;
    if (cv === true || cv === false) {
      if (cv === false) explicit.push(c);
    } else if (!podNonRoot) {
      implicit.push(c);
    }
  }
  if (explicit.length > 0) {
    setters.push(containersPhrase(explicit.map((c) => c.name)));
    if (!path) path = `${explicit[0].at('securityContext')}.runAsNonRoot`;
  }
  if (setters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      path,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicit.map((c) => c.name))} must set securityContext.runAsNonRoot=true`,
      path: `${v.at('securityContext')}.runAsNonRoot`,
    };
  }
  return undefined;
};

const runAsUser: Check = (v, minor) => {
  if (userNamespaceRelaxed(v, minor)) return undefined;
  const setters: string[] = [];
  let path = '';
  if (podSc(v)?.runAsUser === 0) {
    setters.push('pod');
    path = `${v.at('securityContext')}.runAsUser`;
  }
  const bad = v.containers.filter((c) => sc(c)?.runAsUser === 0);
  if (bad.length > 0) {
    setters.push(containersPhrase(bad.map((c) => c.name)));
    if (!path) path = `${bad[0].at('securityContext')}.runAsUser`;
  }
  if (setters.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0`, path };
};

const seccompRestricted: Check = (v) => {
  if (isWindows(v)) return undefined;
  const setters: string[] = [];
  const types = new Set<string>();
  let path = '';
  let podOk = false;
  const podType = podSc(v)?.seccompProfile?.type;
  if (podType !== undefined) {
    if (SECCOMP_ALLOWED.has(podType)) podOk = true;
    else {
      setters.push('pod');
      types.add(String(podType));
      path = `${v.at('securityContext')}.seccompProfile.type`;
    }
  }
  const explicit: ContainerView[] = [];
  const implicit: ContainerView[] = [];
  for (const c of v.containers) {
    const t = sc(c)?.seccompProfile?.type;
    if (t !== undefined) {
      if (!SECCOMP_ALLOWED.has(t)) {
        explicit.push(c);
        types.add(String(t));
      }
    } else if (!podOk) {
      implicit.push(c);
    }
  }
  if (explicit.length > 0) {
    setters.push(containersPhrase(explicit.map((c) => c.name)));
    if (!path) path = `${explicit[0].at('securityContext')}.seccompProfile.type`;
  }
  if (setters.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(types))}`,
      path,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicit.map((c) => c.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      path: `${v.at('securityContext')}.seccompProfile`,
    };
  }
  return undefined;
};

const capabilitiesRestricted: Check = (v) => {
  if (isWindows(v)) return undefined;
  const noDrop: ContainerView[] = [];
  const badAdd: ContainerView[] = [];
  const added = new Set<string>();
  let path = '';
  for (const c of v.containers) {
    const caps = sc(c)?.capabilities;
    const drop = Array.isArray(caps?.drop) ? caps.drop.map(String) : [];
    if (!drop.includes('ALL')) {
      noDrop.push(c);
      if (!path) path = `${c.at('securityContext')}.capabilities.drop`;
    }
    const add = Array.isArray(caps?.add) ? caps.add.map(String) : [];
    const extra = add.filter((a: string) => a !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      badAdd.push(c);
      extra.forEach((a: string) => added.add(a));
      if (!path) path = `${c.at('securityContext')}.capabilities.add`;
    }
  }
  const parts: string[] = [];
  if (noDrop.length > 0) parts.push(`${containersPhrase(noDrop.map((c) => c.name))} must set securityContext.capabilities.drop=["ALL"]`);
  if (badAdd.length > 0) parts.push(`${containersPhrase(badAdd.map((c) => c.name))} must not include ${joinQuote(sorted(added))} in securityContext.capabilities.add`);
  if (parts.length === 0) return undefined;
  return { reason: 'unrestricted capabilities', detail: parts.join('; '), path };
};

const procMountRestricted: Check = (v, minor) => (minor >= 35 ? procMountCore(v) : undefined);

// ---------------------------------------------------------------- packs

interface CheckDef {
  readonly id: string;
  readonly upstream: string;
  readonly description: string;
  readonly fix: string;
  readonly check: Check;
}

const BASELINE: readonly CheckDef[] = [
  { id: 'host-namespaces', upstream: 'hostNamespaces', check: hostNamespaces,
    description: 'pods must not share the host network, PID or IPC namespace', fix: 'remove hostNetwork, hostPID and hostIPC (or set them to false).' },
  { id: 'privileged', upstream: 'privileged', check: privileged,
    description: 'containers must not be privileged', fix: 'remove securityContext.privileged (or set it to false).' },
  { id: 'capabilities', upstream: 'capabilities_baseline', check: capabilitiesBaseline,
    description: 'containers may add only the default capabilities', fix: 'remove the non-default capabilities from securityContext.capabilities.add.' },
  { id: 'host-path-volumes', upstream: 'hostPathVolumes', check: hostPathVolumes,
    description: 'pods must not mount hostPath volumes', fix: 'use a persistentVolumeClaim, emptyDir, configMap or secret volume instead of hostPath.' },
  { id: 'host-ports', upstream: 'hostPorts', check: hostPorts,
    description: 'containers must not use host ports', fix: 'remove hostPort; expose the port through a Service.' },
  { id: 'host-probes-and-lifecycle', upstream: 'hostProbesAndHostLifecycle', check: hostProbesAndLifecycle,
    description: 'probes and lifecycle handlers must not target another host', fix: 'remove the host field of httpGet/tcpSocket probes and lifecycle handlers (they then target the pod IP).' },
  { id: 'apparmor-profile', upstream: 'appArmorProfile', check: appArmorProfile,
    description: 'AppArmor must not be disabled or overridden with Unconfined', fix: 'use appArmorProfile.type RuntimeDefault or Localhost (annotations: runtime/default or localhost/<profile>).' },
  { id: 'selinux-options', upstream: 'seLinuxOptions', check: seLinuxOptions,
    description: 'SELinux type must be a container type; user and role must not be set', fix: 'remove seLinuxOptions.user and .role and use a type of container_t, container_init_t or container_kvm_t.' },
  { id: 'proc-mount', upstream: 'procMount', check: procMountBaseline,
    description: 'the default /proc masks must be kept (unless hostUsers: false, 1.35+)', fix: 'remove securityContext.procMount (or set it to Default).' },
  { id: 'seccomp-profile', upstream: 'seccompProfile_baseline', check: seccompBaseline,
    description: 'seccomp must not be Unconfined', fix: 'set seccompProfile.type to RuntimeDefault or Localhost.' },
  { id: 'sysctls', upstream: 'sysctls', check: sysctls,
    description: 'only the safe sysctls may be set', fix: 'remove the unsafe sysctls from securityContext.sysctls.' },
  { id: 'windows-host-process', upstream: 'windowsHostProcess', check: windowsHostProcess,
    description: 'Windows HostProcess containers are forbidden', fix: 'remove windowsOptions.hostProcess (or set it to false).' },
];

const RESTRICTED: readonly CheckDef[] = [
  { id: 'volume-types', upstream: 'restrictedVolumes', check: restrictedVolumes,
    description: 'only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes', fix: 'replace the volume with a persistentVolumeClaim (or another allowed volume type).' },
  { id: 'allow-privilege-escalation', upstream: 'allowPrivilegeEscalation', check: allowPrivilegeEscalation,
    description: 'containers must set allowPrivilegeEscalation: false', fix: 'set securityContext.allowPrivilegeEscalation: false on every container.' },
  { id: 'run-as-non-root', upstream: 'runAsNonRoot', check: runAsNonRoot,
    description: 'containers must run as non-root', fix: 'set securityContext.runAsNonRoot: true on the pod (and never false on a container).' },
  { id: 'run-as-user', upstream: 'runAsUser', check: runAsUser,
    description: 'containers must not run as UID 0', fix: 'set runAsUser to a non-zero UID (e.g. 65532).' },
  { id: 'seccomp-profile', upstream: 'seccompProfile_restricted', check: seccompRestricted,
    description: 'seccomp must be RuntimeDefault or Localhost, set explicitly', fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod.' },
  { id: 'capabilities', upstream: 'capabilities_restricted', check: capabilitiesRestricted,
    description: 'containers must drop ALL capabilities and may add only NET_BIND_SERVICE', fix: 'set securityContext.capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE.' },
  { id: 'proc-mount', upstream: 'procMount_restricted', check: procMountRestricted,
    description: 'the default /proc masks must be kept (1.35+, also with hostUsers: false)', fix: 'remove securityContext.procMount (or set it to Default).' },
];

function toRule(level: string, def: CheckDef, minor: number): Rule {
  return {
    id: `${level}/${def.id}`,
    description: `${def.description} (upstream check ${def.upstream})`,
    severity: Severity.ERROR,
    fix: def.fix,
    check(context: RuleContext): Violation[] {
      const out: Violation[] = [];
      for (const { object: o, views } of podObjects(context)) {
        for (const view of views) {
          const r = def.check(view, minor);
          if (r) out.push({ object: o, path: r.path, message: `${r.reason} (${r.detail})` });
        }
      }
      return out;
    },
  };
}

/** The Pod Security Standards as rule packs. */
export class PodSecurityPack {
  /** Baseline: the checks against known privilege escalations (ids `pss-baseline/*`). */
  public static baseline(options: PodSecurityOptions = {}): RulePack {
    const minor = (options.version ?? PodSecurityVersion.LATEST).minor;
    return new RulePack('pss-baseline', BASELINE.map((d) => toRule('pss-baseline', d, minor)));
  }

  /** Restricted: baseline plus the hardening checks (ids `pss-baseline/*` and `pss-restricted/*`). */
  public static restricted(options: PodSecurityOptions = {}): RulePack {
    const minor = (options.version ?? PodSecurityVersion.LATEST).minor;
    return new RulePack('pss-restricted', [
      ...BASELINE.map((d) => toRule('pss-baseline', d, minor)),
      ...RESTRICTED.map((d) => toRule('pss-restricted', d, minor)),
    ]);
  }

  private constructor() {}
}
