# Sourced by ./jmim and ./test: finds a JDK >= 25 and Maven, or says in one line what to install.
# A JDK named by JAVA_HOME wins when it is new enough; otherwise the usual JVM folders are searched
# and the newest JDK found is used.

JMIM_MIN_JAVA=25

# Prints the feature version (e.g. 25) of the JDK at $1, or nothing when $1 is not a JDK.
jmim_jdk_feature() {
  local home=$1 version=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\).*/\1/p')
  fi
  [ "$version" = 1 ] && version=8
  echo "$version"
}

jmim_find_jdk() {
  local candidate feature best="" best_feature=0
  if [ -n "${JAVA_HOME:-}" ]; then
    feature=$(jmim_jdk_feature "$JAVA_HOME")
    if [ -n "$feature" ] && [ "$feature" -ge "$JMIM_MIN_JAVA" ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  local on_path=""
  if command -v javac >/dev/null 2>&1; then
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  fi
  for candidate in "$on_path" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*/jdk* \
    "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.gradle/jdks/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    feature=$(jmim_jdk_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -gt "$best_feature" ]; then
      best=$candidate
      best_feature=$feature
    fi
  done
  if [ "$best_feature" -ge "$JMIM_MIN_JAVA" ]; then
    echo "$best"
    return 0
  fi
  return 1
}

if ! JAVA_HOME=$(jmim_find_jdk); then
  echo "jmim: no JDK ${JMIM_MIN_JAVA}+ found (looked at JAVA_HOME, javac on PATH, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks); install JDK 25 (Eclipse Temurin from adoptium.net, or your distribution's openjdk-25-jdk) or point JAVA_HOME at one, then retry." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  echo "jmim: Maven not found on PATH; install Maven 3.8 or newer, e.g. 'apt-get install maven', then retry." >&2
  exit 1
fi
