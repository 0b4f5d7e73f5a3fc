 * \brief Wasmtime version string.
#define WASMTIME_VERSION "40.0.0"
 * \brief Wasmtime major version number.
#define WASMTIME_VERSION_MAJOR 40
 * \brief Wasmtime minor version number.
#define WASMTIME_VERSION_MINOR 0
 * \brief Wasmtime patch version number.
#define WASMTIME_VERSION_PATCH 0
