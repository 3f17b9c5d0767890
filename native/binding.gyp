# recdata's one addon. Sources are discovered (tools/list-sources.js): a kernel
# family is added by adding native/src/NAME.cc (and native/cuda/NAME.cu), never by
# editing this file. CUDA is compiled in when $CUDA_HOME/bin/nvcc exists and
# RECDATA_WITH_CUDA is not 0 (tools/cuda-config.js).
{
  'variables': {
    'with_cuda%': '<!(node tools/cuda-config.js enabled)',
    'cuda_home%': '<!(node tools/cuda-config.js home)',
  },
  'targets': [
    {
      'target_name': 'recdata',
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'sources': ['<!@(node tools/list-sources.js src .cc)'],
      'defines': ['NAPI_VERSION=8'],
      # No -march: the binary must run on any x86-64; kernels pick wider
      # instructions at run time (cpu.cc). Exceptions come from node_addon_api_except.
      'cflags_cc!': ['-std=gnu++17'],
      'cflags_cc': ['-std=c++17', '-O3', '-Wall', '-Wextra'],
      'conditions': [
        ['with_cuda==1', {
          'sources': ['<!@(node tools/list-sources.js cuda .cu)'],
          'defines': ['RECDATA_WITH_CUDA=1'],
          'libraries': ['-L<(cuda_home)/lib64', '-lcudart_static', '-ldl', '-lrt', '-lpthread'],
          'rules': [
            {
              'rule_name': 'nvcc',
              'extension': 'cu',
              'inputs': ['<!@(node tools/list-sources.js cuda .cuh)', '<!@(node tools/list-sources.js cuda .h)'],
              'outputs': ['<(INTERMEDIATE_DIR)/cuda/<(RULE_INPUT_ROOT).o'],
              'message': 'nvcc <(RULE_INPUT_PATH)',
              # --fmad=false: no fused multiply-add, so float results match the CPU
              # kernels bit for bit. sm_80/sm_90 binaries plus compute_90 PTX, which
              # newer GPUs compile at load time.
              'action': [
                '<(cuda_home)/bin/nvcc', '-O3', '-std=c++17', '-Xcompiler', '-fPIC', '--fmad=false',
                '-gencode', 'arch=compute_80,code=sm_80',
                '-gencode', 'arch=compute_90,code=sm_90',
                '-gencode', 'arch=compute_90,code=compute_90',
                '-c', '<(RULE_INPUT_PATH)', '-o', '<@(_outputs)',
              ],
              'process_outputs_as_sources': 1,
            },
          ],
        }],
      ],
    },
  ],
}
