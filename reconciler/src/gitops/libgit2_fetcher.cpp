// GitFetcher over libgit2 (the only translation unit that includes it): a bare repository in cache_dir,
// fetched with one refspec (the tracked ref into refs/swarmop/tracked), read from the commit's tree.
#include <git2.h>
#include <glog/logging.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "swarmop/reconciler/gitops/git_source.h"
#include "swarmop/reconciler/http/http_request.h"

namespace swarmop::reconciler {
namespace {

constexpr char kTrackedRef[] = "refs/swarmop/tracked";
constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;

std::once_flag g_init;

std::string LastGitError(const std::string& context) {
  const git_error* e = git_error_last();
  return context + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

bool IsManifest(const std::string& name) {
  auto ends = [&](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

std::string NormalisedPath(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  if (path == ".") path.clear();
  return path;
}

std::vector<unsigned char> DecodeBase64(const std::string& text) {
  std::vector<unsigned char> out(text.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  size_t pad = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<size_t>(n) - std::min(pad, static_cast<size_t>(n)));
  return out;
}

// Does known_hosts list `key` for `host` (plain host names or "[host]:port"; hashed entries are not read)?
bool KnownHostsHasKey(const std::string& file, const std::string& host, const unsigned char* key,
                      size_t len) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string hosts, type, blob;
    if (!(fields >> hosts)) continue;
    if (hosts[0] == '@') {  // @cert-authority / @revoked: not supported
      continue;
    }
    if (!(fields >> type >> blob)) continue;
    bool host_matches = false;
    std::istringstream names(hosts);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == host) host_matches = true;
      if (name.size() > 2 && name[0] == '[' && name.compare(1, host.size(), host) == 0 &&
          name.size() > host.size() + 1 && name[host.size() + 1] == ']')
        host_matches = true;
    }
    if (!host_matches) continue;
    std::vector<unsigned char> decoded = DecodeBase64(blob);
    if (decoded.size() == len && std::equal(decoded.begin(), decoded.end(), key)) return true;
  }
  return false;
}

class Libgit2Fetcher : public GitFetcher {
 public:
  explicit Libgit2Fetcher(GitSourceOptions options) : options_(std::move(options)) {}
  ~Libgit2Fetcher() override {
    if (repo_) git_repository_free(repo_);
  }

  Status Init() {
    std::call_once(g_init, [] { git_libgit2_init(); });
    const GitCredentials& c = options_.credentials;
    if (!c.token_file.empty()) {
      auto token = ReadBearerTokenFile(c.token_file);
      if (!token.ok()) return token.status().WithContext("--git-token-file");
      token_ = *token;
    }
    if (!c.ssh_key_file.empty()) {
      if (!std::ifstream(c.ssh_key_file))
        return InvalidArgumentError("cannot read the SSH key " + c.ssh_key_file);
      if (c.known_hosts_file.empty())
        return InvalidArgumentError("an SSH key needs --git-known-hosts-file (the server's key is checked)");
      if (!std::ifstream(c.known_hosts_file))
        return InvalidArgumentError("cannot read the known_hosts file " + c.known_hosts_file);
    }
    std::error_code ec;
    std::filesystem::create_directories(options_.cache_dir, ec);
    if (ec) return InvalidArgumentError("cannot create " + options_.cache_dir + ": " + ec.message());
    if (git_repository_open_bare(&repo_, options_.cache_dir.c_str()) != 0 &&
        git_repository_init(&repo_, options_.cache_dir.c_str(), /*is_bare=*/1) != 0)
      return InvalidArgumentError(LastGitError("cannot make a repository in " + options_.cache_dir));
    return Status::Ok();
  }

  StatusOr<FetchedRevision> Fetch() override {
    SWARMOP_RETURN_IF_ERROR(FetchRef());
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo_, kTrackedRef) != 0)
      return NotFoundError(LastGitError("ref " + FullRefName(options_.ref)));
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    FetchedRevision revision;
    revision.commit = hex;
    SWARMOP_RETURN_IF_ERROR(ReadTree(oid, revision.files));
    return revision;
  }

 private:
  Status FetchRef() {
    git_remote* remote = nullptr;
    if (git_remote_create_anonymous(&remote, repo_, options_.url.c_str()) != 0)
      return InvalidArgumentError(LastGitError("git url " + options_.url));
    const std::string refspec = "+" + FullRefName(options_.ref) + ":" + kTrackedRef;
    char* specs[] = {const_cast<char*>(refspec.c_str())};
    git_strarray array = {specs, 1};
    git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
    fetch.callbacks.credentials = &Libgit2Fetcher::Credentials;
    fetch.callbacks.certificate_check = &Libgit2Fetcher::CertificateCheck;
    fetch.callbacks.payload = this;
    fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    credential_attempts_ = 0;
    const int rc = git_remote_fetch(remote, &array, &fetch, nullptr);
    git_remote_free(remote);
    if (rc != 0)
      return UnavailableError(
          LastGitError("fetching " + FullRefName(options_.ref) + " from " + options_.url));
    return Status::Ok();
  }

  Status ReadTree(const git_oid& commit_id, std::vector<crds::SourceFile>& files) {
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo_, &commit_id) != 0) return InternalError(LastGitError("commit"));
    git_tree* root = nullptr;
    int rc = git_commit_tree(&root, commit);
    git_commit_free(commit);
    if (rc != 0) return InternalError(LastGitError("commit tree"));
    const std::string path = NormalisedPath(options_.path);
    git_tree* tree = root;
    if (!path.empty()) {
      git_tree_entry* entry = nullptr;
      if (git_tree_entry_bypath(&entry, root, path.c_str()) != 0 ||
          git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
        if (entry) git_tree_entry_free(entry);
        git_tree_free(root);
        return NotFoundError("no directory " + path + " in the commit's tree");
      }
      rc = git_tree_lookup(&tree, repo_, git_tree_entry_id(entry));
      git_tree_entry_free(entry);
      if (rc != 0) {
        git_tree_free(root);
        return InternalError(LastGitError("tree " + path));
      }
    }
    Walk walk{this, path.empty() ? "" : path + "/", &files, Status::Ok()};
    git_tree_walk(tree, GIT_TREEWALK_PRE, &Libgit2Fetcher::VisitEntry, &walk);
    if (tree != root) git_tree_free(tree);
    git_tree_free(root);
    std::sort(files.begin(), files.end(),
              [](const crds::SourceFile& a, const crds::SourceFile& b) { return a.path < b.path; });
    return walk.status;
  }

  struct Walk {
    Libgit2Fetcher* self;
    std::string prefix;
    std::vector<crds::SourceFile>* files;
    Status status;
  };

  static int VisitEntry(const char* root, const git_tree_entry* entry, void* payload) {
    auto* walk = static_cast<Walk*>(payload);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
    const std::string name = git_tree_entry_name(entry);
    if (!IsManifest(name)) return 0;
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, walk->self->repo_, git_tree_entry_id(entry)) != 0) {
      walk->status = InternalError(LastGitError("blob " + name));
      return -1;
    }
    crds::SourceFile file;
    file.path = walk->prefix + root + name;
    const auto size = static_cast<size_t>(git_blob_rawsize(blob));
    file.content.assign(static_cast<const char*>(git_blob_rawcontent(blob)),
                        std::min(size, kMaxManifestBytes));
    if (size > kMaxManifestBytes) file.original_size = size;
    git_blob_free(blob);
    walk->files->push_back(std::move(file));
    return 0;
  }

  static int Credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                         unsigned int allowed, void* payload) {
    auto* self = static_cast<Libgit2Fetcher*>(payload);
    // libgit2 asks again after a refused credential: one try, then fail (never loop on a wrong token).
    if (++self->credential_attempts_ > 1) {
      git_error_set_str(GIT_ERROR_NET, "authentication refused by the server");
      return GIT_EAUTH;
    }
    const GitCredentials& c = self->options_.credentials;
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !c.ssh_key_file.empty()) {
      const char* user = username_from_url && *username_from_url ? username_from_url : "git";
      return git_credential_ssh_key_new(out, user, nullptr, c.ssh_key_file.c_str(), nullptr);
    }
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !self->token_.empty())
      return git_credential_userpass_plaintext_new(out, c.username.c_str(), self->token_.c_str());
    git_error_set_str(
        GIT_ERROR_NET,
        "the server asks for credentials and none were given (--git-token-file or --git-ssh-key-file)");
    return GIT_EAUTH;
  }

  static int CertificateCheck(git_cert* cert, int valid, const char* host, void* payload) {
    auto* self = static_cast<Libgit2Fetcher*>(payload);
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
      return valid ? 0 : GIT_PASSTHROUGH;  // TLS: default check
    const auto* key = reinterpret_cast<const git_cert_hostkey*>(cert);
    const std::string& known = self->options_.credentials.known_hosts_file;
    if (!(key->type & GIT_CERT_SSH_RAW) || known.empty() ||
        !KnownHostsHasKey(known, host ? host : "", reinterpret_cast<const unsigned char*>(key->hostkey),
                          key->hostkey_len)) {
      git_error_set_str(GIT_ERROR_SSH, ("the SSH host key of " + std::string(host ? host : "?") +
                                        " is not in the known_hosts file")
                                           .c_str());
      return GIT_ECERTIFICATE;
    }
    return 0;
  }

  GitSourceOptions options_;
  git_repository* repo_ = nullptr;
  std::string token_;
  int credential_attempts_ = 0;
};

}  // namespace

std::string FullRefName(const std::string& ref) {
  return ref.rfind("refs/", 0) == 0 ? ref : "refs/heads/" + ref;
}

StatusOr<std::unique_ptr<GitFetcher>> NewLibgit2Fetcher(const GitSourceOptions& options) {
  auto fetcher = std::make_unique<Libgit2Fetcher>(options);
  SWARMOP_RETURN_IF_ERROR(fetcher->Init());
  return std::unique_ptr<GitFetcher>(std::move(fetcher));
}

}  // namespace swarmop::reconciler
